import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { NetlabError, exitCodeFor } from 'common';
import {
  CredentialsError,
  checkCredentials,
  createCa,
  issueCertificate,
  summarizePeerCertificate,
} from '../src/index.ts';
import { expiredPki, loadPki, type Pki } from './helpers.ts';

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CredentialsError);
    return (err as CredentialsError).code;
  }
  return undefined;
}

describe('checkCredentials', () => {
  it('accepts the dev PKI server and client pairs', () => {
    const server = checkCredentials({ ...pki.server, ca: pki.ca });
    expect(server.certificate.subject).toContain('CN=localhost');
    expect(server.caCertificate.ca).toBe(true);
    expect(checkCredentials({ ...pki.client, ca: pki.ca }).certificate.subject).toContain(
      'netlab dev client',
    );
  });

  it('rejects a key that is not the certificate’s (ERR_TLS_KEY_MISMATCH), naming the files', () => {
    let error: CredentialsError | undefined;
    try {
      checkCredentials(
        { cert: pki.server.cert, key: pki.client.key, ca: pki.ca },
        { cert: 'a.crt', key: 'b.key', ca: 'ca.crt' },
      );
    } catch (err) {
      error = err as CredentialsError;
    }
    expect(error).toMatchObject({ code: 'ERR_TLS_KEY_MISMATCH', path: 'b.key' });
    expect(error).toBeInstanceOf(NetlabError);
    // A library error knows no exit code; the CLI lists it among runMain's usage errors (exit 2).
    expect(error).not.toHaveProperty('exitCode');
    expect(exitCodeFor(error, [CredentialsError])).toBe(2);
    expect(error?.message).toBe('b.key is not the private key of a.crt (their public keys differ)');
  });

  it('rejects an RSA key paired with an ECDSA certificate', async () => {
    const rsa = await issueCertificate(await createCa({ algorithm: 'rsa-2048' }), {
      usage: 'server',
    });
    expect(
      codeOf(() => checkCredentials({ cert: pki.server.cert, key: rsa.key, ca: pki.ca })),
    ).toBe('ERR_TLS_KEY_MISMATCH');
  });

  it('rejects an expired certificate (ERR_TLS_CERT_EXPIRED)', async () => {
    const expired = await expiredPki();
    expect(codeOf(() => checkCredentials({ ...expired.server, ca: expired.ca }))).toBe(
      'ERR_TLS_CERT_EXPIRED',
    );
  });

  it('rejects a certificate that is not valid yet (ERR_TLS_CERT_NOT_YET_VALID)', () => {
    const notBefore = Date.parse(new X509Certificate(pki.server.cert).validFrom);
    expect(
      codeOf(() =>
        checkCredentials({ ...pki.server, ca: pki.ca }, undefined, new Date(notBefore - 60_000)),
      ),
    ).toBe('ERR_TLS_CERT_NOT_YET_VALID');
  });

  it('rejects a file that holds no certificate, for the cert and for the CA', () => {
    expect(codeOf(() => checkCredentials({ cert: 'hello', key: pki.server.key, ca: pki.ca }))).toBe(
      'ERR_TLS_INVALID_CERT',
    );
    expect(codeOf(() => checkCredentials({ ...pki.server, ca: pki.server.key }))).toBe(
      'ERR_TLS_INVALID_CERT',
    );
  });

  it('rejects a key file that holds a certificate (ERR_TLS_INVALID_KEY)', () => {
    expect(
      codeOf(() => checkCredentials({ cert: pki.server.cert, key: pki.server.cert, ca: pki.ca })),
    ).toBe('ERR_TLS_INVALID_KEY');
  });

  it('turns arbitrary bytes into ERR_TLS_INVALID_CERT, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(
          codeOf(() =>
            checkCredentials({ cert: Buffer.from(bytes), key: pki.server.key, ca: pki.ca }),
          ),
        ).toBe('ERR_TLS_INVALID_CERT');
      }),
      { numRuns: 200 },
    );
  });
});

describe('summarizePeerCertificate', () => {
  it('returns undefined when the peer sent no certificate (empty object)', () => {
    expect(summarizePeerCertificate({})).toBeUndefined();
    expect(summarizePeerCertificate(null)).toBeUndefined();
  });

  it('takes the first value of a repeated attribute', () => {
    const summary = summarizePeerCertificate({
      subject: { CN: ['a', 'b'] },
      issuer: { CN: 'ca' },
      fingerprint256: 'AA',
      valid_from: 'from',
      valid_to: 'to',
    } as never);
    expect(summary).toEqual({
      subjectCN: 'a',
      issuerCN: 'ca',
      fingerprint256: 'AA',
      validFrom: 'from',
      validTo: 'to',
      subjectAltName: undefined,
    });
  });
});
