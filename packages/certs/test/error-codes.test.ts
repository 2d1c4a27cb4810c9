import { describe, expect, it } from 'vitest';
import { TLS_ERROR_EXPLANATIONS, explainTlsError, formatTlsError } from '../src/index.ts';

describe('the shared TLS error table', () => {
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
  ])('explains %s in one line', (code) => {
    const text = explainTlsError(code);
    expect(text).toBeDefined();
    expect(text).not.toContain('\n');
  });

  it('has one-line, non-empty explanations that name no package', () => {
    for (const [code, { explanation, side }] of Object.entries(TLS_ERROR_EXPLANATIONS)) {
      expect(code).toMatch(/^[A-Z0-9_]+$/);
      expect(explanation.length, code).toBeGreaterThan(20);
      expect(explanation, code).not.toContain('\n');
      expect(explanation, code).not.toMatch(/tls-echo|https-server|welcome|greeting/i);
      expect(['client', 'server', 'either']).toContain(side);
    }
  });

  it('returns undefined for codes it does not know', () => {
    expect(explainTlsError('ERR_SOMETHING_ELSE')).toBeUndefined();
    expect(explainTlsError(undefined)).toBeUndefined();
  });

  it('uses the table it is given, so a package can add its own codes', () => {
    const table = {
      ...TLS_ERROR_EXPLANATIONS,
      ERR_X: { side: 'client', explanation: 'x'.repeat(30) },
    } as const;
    expect(explainTlsError('ERR_X')).toBeUndefined();
    expect(formatTlsError({ code: 'ERR_X', message: '' }, table)).toBe(`ERR_X: ${'x'.repeat(30)}`);
  });

  it('formats a known code as CODE: explanation', () => {
    expect(formatTlsError({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' })).toBe(
      `CERT_HAS_EXPIRED: ${explainTlsError('CERT_HAS_EXPIRED')}`,
    );
  });

  it("falls back to OpenSSL's reason for an unknown code", () => {
    const message =
      '80BCA13D627F0000:error:0A000126:SSL routines:ssl3_read_n:unexpected eof while reading:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:322:\n';
    expect(formatTlsError({ code: 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING', message })).toBe(
      'ERR_SSL_UNEXPECTED_EOF_WHILE_READING: unexpected eof while reading',
    );
    expect(formatTlsError({ message: 'boom\nstack' })).toBe('ERR_UNKNOWN: boom');
  });
});
