import { NetlabError } from 'common';

/**
 * Codes of {@link HttpError}, each with the status it is answered with (RFC 9110 §15):
 *
 * - `ERR_HTTP_BODY_TOO_LARGE` (413): a request body over `maxBody`;
 * - `ERR_HTTP_EXPECTATION_FAILED` (417): an `Expect` the server refuses;
 * - `ERR_HTTP_INVALID_QUERY` (400): a bad `/slow?ms`;
 * - `ERR_HTTP_INVALID_CONNECT_TARGET` (400): a CONNECT target that is not `host:port`;
 * - `ERR_HTTP_TUNNEL_FORBIDDEN` (403): a CONNECT target not in `proxyAllow`;
 * - `ERR_HTTP_TUNNEL_UNREACHABLE` (502): a CONNECT target that refused, failed or did not
 *   answer within `tunnelConnectTimeout` (the socket's error is the `cause`).
 */
export type HttpErrorCode =
  | 'ERR_HTTP_BODY_TOO_LARGE'
  | 'ERR_HTTP_EXPECTATION_FAILED'
  | 'ERR_HTTP_INVALID_QUERY'
  | 'ERR_HTTP_INVALID_CONNECT_TARGET'
  | 'ERR_HTTP_TUNNEL_FORBIDDEN'
  | 'ERR_HTTP_TUNNEL_UNREACHABLE';

/**
 * An error that maps to an HTTP response: `statusCode` is what the server answers
 * (RFC 9110 §15). The server turns it into a response; only that request (and, when the body
 * is left unread, that connection) is affected. Codes: {@link HttpErrorCode}.
 */
export class HttpError extends NetlabError<HttpErrorCode> {
  /** The HTTP status code this error is answered with. */
  readonly statusCode: number;

  constructor(code: HttpErrorCode, statusCode: number, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.statusCode = statusCode;
  }
}

/**
 * Codes of {@link HttpClientError}:
 *
 * - `ERR_HTTP_RESPONSE_TOO_LARGE`: a response body over the client's `maxResponseBody`;
 * - `ETIMEDOUT`: no activity on the socket for the client's `timeout` ms (the request, or the
 *   CONNECT to a proxy), the code the kernel gives a connection that timed out.
 */
export type HttpClientErrorCode = 'ERR_HTTP_RESPONSE_TOO_LARGE' | 'ETIMEDOUT';

/**
 * An error of the HTTP client (`request`, `connectThrough`): the request is abandoned and its
 * socket destroyed. Codes: {@link HttpClientErrorCode}. Socket errors (`ECONNREFUSED`,
 * `ECONNRESET` …) reach the caller as Node's own errors.
 */
export class HttpClientError extends NetlabError<HttpClientErrorCode> {}
