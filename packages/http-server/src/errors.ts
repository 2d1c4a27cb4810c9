import { NetlabError } from 'common';

/**
 * An error that maps to an HTTP response: `statusCode` is what the server answers
 * (RFC 9110 §15). The server turns it into a response; only that request (and, when the body
 * is left unread, that connection) is affected.
 *
 * Codes: `ERR_HTTP_BODY_TOO_LARGE` (413), `ERR_HTTP_EXPECTATION_FAILED` (417),
 * `ERR_HTTP_INVALID_QUERY` (400), `ERR_HTTP_INVALID_CONNECT_TARGET` (400),
 * `ERR_HTTP_TUNNEL_FORBIDDEN` (403).
 */
export class HttpError extends NetlabError {
  /** The HTTP status code this error is answered with. */
  readonly statusCode: number;

  constructor(code: string, statusCode: number, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.statusCode = statusCode;
  }
}

/**
 * A bad option passed to `createHttpServer` (Node's codes: `ERR_INVALID_ARG_TYPE`,
 * `ERR_OUT_OF_RANGE`, `ERR_INVALID_ARG_VALUE`). The message names the option.
 */
export class HttpOptionError extends NetlabError {}
