import { NetlabError } from 'common';

/**
 * Codes of {@link HttpsClientError}:
 *
 * - `ERR_HTTP_RESPONSE_TOO_LARGE`: a response body over the client's `maxResponseBody`;
 * - `ETIMEDOUT`: no activity for the client's `timeout` ms once connected (the kernel's code
 *   for a connection that timed out; the connect itself is common's `ConnectTimeoutError`);
 * - `ERR_HTTP2_NOT_NEGOTIATED`: `http2: true`, but the server did not pick `h2` in ALPN
 *   (RFC 7301 §3.2), so it does not speak HTTP/2 over TLS.
 */
export type HttpsClientErrorCode =
  'ERR_HTTP_RESPONSE_TOO_LARGE' | 'ETIMEDOUT' | 'ERR_HTTP2_NOT_NEGOTIATED';

/**
 * An error of the HTTPS client (`httpsRequest`): the request is abandoned and its connection
 * closed. TLS and socket errors (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ECONNREFUSED` …) reach
 * the caller as Node's own errors, with Node's codes. Codes: {@link HttpsClientErrorCode}.
 */
export class HttpsClientError extends NetlabError<HttpsClientErrorCode> {}
