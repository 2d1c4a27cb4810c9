/** The testssl.sh verdict rules on fixture findings (the live scans are in each TLS package). */
import { describe, expect, it } from 'vitest';
import { formatSummary, judge, type Finding } from '../src/testssl.ts';

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
