/**
 * A quick live testssl.sh scan of https-server: the checks that flagged Node's defaults before the TLS
 * profile (server cipher order, client-initiated renegotiation, security headers). The full scan is `pnpm --filter https-server scan` (minutes; its summary is in
 * the README). The verdict rules are tested in packages/certs.
 */
import { describe, expect, it } from 'vitest';
import { scanServer } from 'certs/testssl';
import { TARGET } from '../scan/scan.ts';

describe('testssl.sh, quick scan', () => {
  it('finds nothing MEDIUM or above except revocation', async () => {
    // Without testssl.sh this rejects with ScanError ERR_TESTSSL_MISSING, naming the package.
    const { verdict, summary } = await scanServer(TARGET, true);
    expect(verdict.failures, summary).toEqual([]);
    // The checks did run (no silent empty scan): the renegotiation verdicts are there.
    expect(verdict.counts.OK, summary).toBeGreaterThan(0);
  }, 120_000);
});
