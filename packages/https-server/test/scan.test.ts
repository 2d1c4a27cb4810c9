/**
 * The testssl.sh scan: the verdict rules on fixture findings, and a quick live scan of both
 * servers (the checks that flagged Node's defaults before the TLS profile: server cipher
 * order, client-initiated renegotiation, security headers, LUCKY13). The full scan is
 * `pnpm --filter https-server scan` (minutes; its summary is in the README).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scan } from '../scan/scan.ts';
import { formatSummary, judge, type Finding } from '../scan/testssl.ts';

const f = (id: string, severity: string, finding = 'x'): Finding => ({ id, severity, finding });

describe('judge', () => {
  it('passes revocation findings (a dev PKI has none), fails any other MEDIUM or above', () => {
    const v = judge([
      f('cert_revocation', 'HIGH', 'Neither CRL nor OCSP URI provided'),
      f('cipher_order', 'HIGH', 'NOT a cipher order configured'),
      f('secure_client_renego', 'MEDIUM', 'VULNERABLE, potential DoS threat'),
      f('DNS_CAArecord', 'LOW', '--'),
      f('sessionresumption_ticket', 'WARN', 'check failed'),
      f('TLS1_3', 'OK', 'offered'),
      f('service', 'INFO', 'HTTP'),
    ]);
    expect(v.allowed.map((x) => x.id)).toEqual(['cert_revocation']);
    expect(v.failures.map((x) => x.id)).toEqual(['cipher_order', 'secure_client_renego']);
    expect(v.warnings.map((x) => x.id)).toEqual(['sessionresumption_ticket']);
    expect(v.counts).toEqual({ OK: 1, INFO: 1, LOW: 1, MEDIUM: 1, HIGH: 2, CRITICAL: 0 });
    const summary = formatSummary('t', v);
    expect(summary).toContain(
      '| HIGH | 2 | **`cipher_order` (NOT a cipher order configured)**; `cert_revocation`',
    );
    expect(summary).toMatch(/verdict: FAIL\n$/);
  });

  it('passes a scan with only revocation and LOW findings', () => {
    const v = judge([f('cert_revocation', 'HIGH'), f('DNS_CAArecord', 'LOW')]);
    expect(v.failures).toEqual([]);
    expect(formatSummary('t', v)).toMatch(/verdict: pass\n$/);
  });
});

describe('testssl.sh, quick scan of both servers', () => {
  it('finds nothing MEDIUM or above on https-server (-P -R -h) and tls-echo (-R -L)', async () => {
    if (spawnSync('testssl', ['--version']).error !== undefined) {
      throw new Error(
        "this test needs testssl.sh: apt-get install -y testssl.sh (Debian's package)",
      );
    }
    const [https, echo] = await Promise.all([scan('https-server', true), scan('tls-echo', true)]);
    expect(https.verdict.failures, https.summary).toEqual([]);
    expect(echo.verdict.failures, echo.summary).toEqual([]);
    // The checks did run (no silent empty scan): the renegotiation verdicts are there.
    for (const { verdict } of [https, echo]) expect(verdict.counts.OK).toBeGreaterThan(0);
  }, 120_000);
});
