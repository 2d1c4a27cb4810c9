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
