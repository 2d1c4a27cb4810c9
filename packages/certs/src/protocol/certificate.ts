/**
 * Certificate checks and summaries, pure (no sockets, no files): what the server logs about a
 * peer (§7.5.2: `stream.authorized`, the certificate's subject) and what the server and the
 * client CLI verify about their own credentials before they start.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { CredentialsError } from '../errors.ts';

/** What we print or log about a certificate. */
export interface CertificateSummary {
  /** Subject common name (`CN`), or undefined when the subject has none. */
  subjectCN: string | undefined;
  /** Issuer common name. */
  issuerCN: string | undefined;
  /** SHA-256 fingerprint of the DER certificate, `AA:BB:…` (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint256: string;
  /** Start of validity, as OpenSSL formats it (`Nov 21 09:00:00 2026 GMT`). */
  validFrom: string;
  /** End of validity. */
  validTo: string;
  /** subjectAltName, as Node formats it (`DNS:localhost, IP Address:127.0.0.1`), or undefined. */
  subjectAltName: string | undefined;
}

/**
 * Summarises the certificate `tlsSocket.getPeerCertificate()` returned, or undefined when the
 * peer sent none (Node then returns an empty object).
 */
export function summarizePeerCertificate(
  cert: PeerCertificate | Record<string, never> | null | undefined,
): CertificateSummary | undefined {
  if (cert === null || cert === undefined || !('fingerprint256' in cert)) return undefined;
  return {
    subjectCN: firstValue(cert.subject?.CN),
    issuerCN: firstValue(cert.issuer?.CN),
    fingerprint256: cert.fingerprint256,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    subjectAltName: cert.subjectaltname,
  };
}

// Node gives a string, or an array of strings when the attribute repeats.
function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A certificate, its private key and the CAs to trust, PEM (or DER for certificates). */
export interface CredentialsInput {
  cert: string | Buffer;
  key: string | Buffer;
  ca: string | Buffer;
}

/** Where each credential came from, for error messages (file paths, or option names). */
export interface CredentialsSources {
  cert: string;
  key: string;
  ca: string;
}

/** The parsed credentials, once they passed {@link checkCredentials}. */
export interface CheckedCredentials {
  certificate: X509Certificate;
  privateKey: KeyObject;
  caCertificate: X509Certificate;
}

/** A certificate and its key, once they passed {@link checkKeyPair}. */
export interface CheckedKeyPair {
  certificate: X509Certificate;
  privateKey: KeyObject;
}

/**
 * Verifies that credentials can work before anything listens or connects: the certificate and
 * CA parse, the key parses and is the private half of the certificate's public key, and the
 * certificate is valid at `now` (RFC 5280 §4.1.2.5). Only the first certificate of the CA file
 * is parsed (Node trusts every certificate in it).
 *
 * @throws {CredentialsError} `ERR_TLS_INVALID_CERT`, `ERR_TLS_INVALID_KEY`,
 *   `ERR_TLS_KEY_MISMATCH`, `ERR_TLS_CERT_EXPIRED`, `ERR_TLS_CERT_NOT_YET_VALID`.
 */
export function checkCredentials(
  input: CredentialsInput,
  sources: CredentialsSources = { cert: 'cert', key: 'key', ca: 'ca' },
  now: Date = new Date(),
): CheckedCredentials {
  const pair = checkKeyPair(input, sources, now);
  return { ...pair, caCertificate: parseCertificate(input.ca, sources.ca) };
}

/**
 * {@link checkCredentials} without a CA: for a client certificate, whose CA is the server's
 * business.
 *
 * @throws {CredentialsError} `ERR_TLS_INVALID_CERT`, `ERR_TLS_INVALID_KEY`,
 *   `ERR_TLS_KEY_MISMATCH`, `ERR_TLS_CERT_EXPIRED`, `ERR_TLS_CERT_NOT_YET_VALID`.
 */
export function checkKeyPair(
  input: Pick<CredentialsInput, 'cert' | 'key'>,
  sources: Pick<CredentialsSources, 'cert' | 'key'> = { cert: 'cert', key: 'key' },
  now: Date = new Date(),
): CheckedKeyPair {
  const certificate = parseCertificate(input.cert, sources.cert);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(input.key);
  } catch (err) {
    throw new CredentialsError(
      'ERR_TLS_INVALID_KEY',
      sources.key,
      `${sources.key}: not a usable private key (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new CredentialsError(
      'ERR_TLS_KEY_MISMATCH',
      sources.key,
      `${sources.key} is not the private key of ${sources.cert} (their public keys differ)`,
    );
  }
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (now.getTime() > notAfter) {
    throw new CredentialsError(
      'ERR_TLS_CERT_EXPIRED',
      sources.cert,
      `${sources.cert} expired on ${certificate.validTo}`,
    );
  }
  if (now.getTime() < notBefore) {
    throw new CredentialsError(
      'ERR_TLS_CERT_NOT_YET_VALID',
      sources.cert,
      `${sources.cert} is not valid before ${certificate.validFrom}`,
    );
  }
  return { certificate, privateKey };
}

/**
 * Parses the first certificate of a PEM (or DER) file.
 *
 * @throws {CredentialsError} `ERR_TLS_INVALID_CERT` naming `source`.
 */
export function parseCertificate(pem: string | Buffer, source: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new CredentialsError(
      'ERR_TLS_INVALID_CERT',
      source,
      `${source}: not an X.509 certificate (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  }
}
