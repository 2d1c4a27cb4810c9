import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TLS_ERROR_EXPLANATIONS, explainTlsError, formatTlsError } from 'certs';
import { ERR_TLS_CLOSED_BEFORE_GREETING, TLS_ECHO_ERROR_EXPLANATIONS } from '../src/index.ts';

// The shared table itself is tested in packages/certs; here: tls-echo's addition and the README.
describe('TLS error explanations', () => {
  it.each([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'CERT_HAS_EXPIRED',
    'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
    'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    'ERR_SSL_UNSUPPORTED_PROTOCOL',
    'ERR_TLS_CLOSED_BEFORE_GREETING',
  ])('explains %s in one line', (code) => {
    const text = explainTlsError(code, TLS_ECHO_ERROR_EXPLANATIONS);
    expect(text).toBeDefined();
    expect(text).not.toContain('\n');
  });

  it('has one-line, non-empty explanations only', () => {
    for (const [code, { explanation, side }] of Object.entries(TLS_ECHO_ERROR_EXPLANATIONS)) {
      expect(code).toMatch(/^[A-Z0-9_]+$/);
      expect(explanation.length, code).toBeGreaterThan(20);
      expect(explanation, code).not.toContain('\n');
      expect(['client', 'server', 'either']).toContain(side);
    }
  });

  it('keeps the shared table free of tls-echo: the echo-only code is added on top', () => {
    expect(explainTlsError(ERR_TLS_CLOSED_BEFORE_GREETING)).toBeUndefined();
    expect(explainTlsError(ERR_TLS_CLOSED_BEFORE_GREETING, TLS_ECHO_ERROR_EXPLANATIONS)).toMatch(
      /right after the handshake/,
    );
    for (const [code, entry] of Object.entries(TLS_ERROR_EXPLANATIONS)) {
      expect(TLS_ECHO_ERROR_EXPLANATIONS[code], code).toBe(entry);
      expect(entry.explanation, code).not.toMatch(/tls-echo|welcome|greeting/i);
    }
    expect(
      formatTlsError(
        { code: ERR_TLS_CLOSED_BEFORE_GREETING, message: '' },
        TLS_ECHO_ERROR_EXPLANATIONS,
      ),
    ).toBe(
      `ERR_TLS_CLOSED_BEFORE_GREETING: ${TLS_ECHO_ERROR_EXPLANATIONS[ERR_TLS_CLOSED_BEFORE_GREETING]!.explanation}`,
    );
  });

  it('are all listed in the README table', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(TLS_ECHO_ERROR_EXPLANATIONS)) {
      expect(readme, code).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
    }
  });
});
