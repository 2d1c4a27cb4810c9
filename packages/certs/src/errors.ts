import { NetlabError } from 'common';

/**
 * Codes of {@link PkiError}.
 *
 * - `ERR_INVALID_ARG_VALUE`: `loadCa` was given a certificate that is not a CA (no
 *   basicConstraints `CA:TRUE`, RFC 5280 §4.2.1.9), a certificate or key that does not parse, a
 *   key that is neither ECDSA P-256 nor RSA, or a key that is not the certificate's.
 */
export type PkiErrorCode = 'ERR_INVALID_ARG_VALUE';

/**
 * A CA (certificate and key) the dev PKI cannot issue certificates from. The message says which
 * check failed: `not a usable CA: basicConstraints CA:TRUE missing`. Option values out of range
 * (`validityDays`) are common's `InvalidArgumentError`, like every netlab option.
 */
export class PkiError extends NetlabError<PkiErrorCode> {}

/**
 * Codes of {@link CredentialsError}:
 *
 * - `ERR_TLS_CREDENTIALS_UNREADABLE`: a certificate, key or CA file is missing, unreadable, a
 *   directory, or larger than `MAX_PEM_FILE_BYTES` (1 MiB);
 * - `ERR_TLS_INVALID_CERT`: the certificate or CA file holds no parseable PEM/DER X.509
 *   certificate;
 * - `ERR_TLS_INVALID_KEY`: the key file holds no parseable private key (or it is encrypted);
 * - `ERR_TLS_KEY_MISMATCH`: the private key is not the one whose public key is in the
 *   certificate;
 * - `ERR_TLS_CERT_EXPIRED`: the certificate's `notAfter` (RFC 5280 §4.1.2.5) is in the past;
 * - `ERR_TLS_CERT_NOT_YET_VALID`: its `notBefore` is in the future.
 */
export type CredentialsErrorCode =
  | 'ERR_TLS_CREDENTIALS_UNREADABLE'
  | 'ERR_TLS_INVALID_CERT'
  | 'ERR_TLS_INVALID_KEY'
  | 'ERR_TLS_KEY_MISMATCH'
  | 'ERR_TLS_CERT_EXPIRED'
  | 'ERR_TLS_CERT_NOT_YET_VALID';

/**
 * A certificate, key or CA that cannot be used, found when a server (or a client CLI) starts
 * rather than on the first handshake. `message` is one line that names the file; `path` is the
 * file (or the option name, for credentials given as bytes). It knows no exit code: a CLI lists
 * it among `runMain`'s `usageErrors`, which print the message and exit 2, like a bad flag.
 */
export class CredentialsError extends NetlabError<CredentialsErrorCode> {
  /** The file (or option name) the problem is in. */
  readonly path: string;

  constructor(code: CredentialsErrorCode, path: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.path = path;
  }
}
