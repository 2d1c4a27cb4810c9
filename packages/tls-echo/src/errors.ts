import { CliError } from 'common';

/** Codes of {@link CredentialsError}. */
export type CredentialsErrorCode =
  /** A `--cert`, `--key` or `--ca` file is missing, unreadable or larger than 1 MiB. */
  | 'ERR_TLS_CREDENTIALS_UNREADABLE'
  /** The certificate or CA file holds no parseable PEM/DER X.509 certificate. */
  | 'ERR_TLS_INVALID_CERT'
  /** The key file holds no parseable private key (or it is encrypted). */
  | 'ERR_TLS_INVALID_KEY'
  /** The private key is not the one whose public key is in the certificate. */
  | 'ERR_TLS_KEY_MISMATCH'
  /** The certificate's `notAfter` (RFC 5280 §4.1.2.5) is in the past. */
  | 'ERR_TLS_CERT_EXPIRED'
  /** The certificate's `notBefore` is in the future. */
  | 'ERR_TLS_CERT_NOT_YET_VALID';

/**
 * A certificate, key or CA that cannot be used, found when the server (or the client CLI)
 * starts rather than on the first handshake. It is a {@link CliError}: `runMain` prints its
 * message on one line and exits 2, like any other bad flag value.
 */
export class CredentialsError extends CliError {
  declare readonly code: CredentialsErrorCode;
  /** The file (or option name) the problem is in. */
  readonly path: string;

  constructor(code: CredentialsErrorCode, path: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.path = path;
  }
}
