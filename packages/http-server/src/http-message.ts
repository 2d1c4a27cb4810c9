/**
 * What a handler may use of a request and a response: the part that `node:http`
 * (`IncomingMessage`, `ServerResponse`, for HTTP/1.x over TCP or TLS) and the http2
 * compatibility API (`Http2ServerRequest`, `Http2ServerResponse`) have in common. The routes
 * are written against these two interfaces, so one handler serves both transports; the few
 * places where HTTP/1.1 and HTTP/2 must differ are the functions below (and the server's event
 * wiring in `handler.ts`). The differences are listed in https-server's README.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { constants, Http2ServerResponse, type Http2ServerRequest } from 'node:http2';
import type { Readable, Writable } from 'node:stream';

/** A request as a handler sees it: `IncomingMessage` or `Http2ServerRequest`. */
export interface HttpRequest extends Readable {
  readonly method?: string | undefined;
  /** The request-target (HTTP/2: the `:path` pseudo-header). */
  readonly url?: string | undefined;
  /** Lower-cased header names. HTTP/2 adds the pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`) and has no `host` unless the client sent one. */
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  /** `1.1`, `1.0`, or `2.0`. */
  readonly httpVersion: string;
  readonly httpVersionMajor: number;
}

/** A response as a handler sees it: `ServerResponse` or `Http2ServerResponse`. */
export interface HttpResponse extends Writable {
  statusCode: number;
  readonly headersSent: boolean;
  /**
   * Sends the head. HTTP/2 forbids connection-specific fields (RFC 9113 §8.2.2): Node drops
   * `Connection` with a warning and throws `ERR_HTTP2_INVALID_CONNECTION_HEADERS` for
   * `Transfer-Encoding`, `Keep-Alive`, `Upgrade` and `Proxy-Connection`.
   */
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): this;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
  /** Sends `100 Continue` (HTTP/2: a HEADERS frame with `:status 100`). */
  writeContinue(): void;
  /**
   * Trailer fields, sent after the body. HTTP/1.1 sends them only with chunked encoding (with
   * a `Content-Length` Node drops them silently); HTTP/2 always can (a final HEADERS frame).
   */
  addTrailers(trailers: OutgoingHttpHeaders): void;
}

/** A request from either transport, as the server events deliver it. */
export type ServerRequest = IncomingMessage | Http2ServerRequest;

/** True for a request that arrived on an HTTP/2 stream (the compatibility API's). */
export function isHttp2Request(req: ServerRequest): req is Http2ServerRequest {
  return req.httpVersionMajor === 2;
}

/**
 * The header that tells an HTTP/1.x client this connection carries no further request
 * (`Connection: close`, RFC 9112 §9.6), for answers after which the connection cannot be
 * reused (an unread body, a bad request-target, a drain). Nothing for HTTP/2: the field is
 * forbidden there (RFC 9113 §8.2.2), a stream ends on its own and the connection is not
 * affected; a drain says GOAWAY instead.
 */
export function closeConnectionHeader(req: HttpRequest): Readonly<Record<string, string>> {
  return req.httpVersionMajor >= 2 ? {} : { Connection: 'close' };
}

/**
 * Leaves the rest of a request body unread, for an answer given before it arrived (413, 417).
 * HTTP/1.x: the request is paused, and the answer carries `Connection: close` (see
 * {@link closeConnectionHeader}): the unread bytes leave the connection unusable. HTTP/2:
 * pausing alone would leave the stream open for ever (its request half never ends), so once
 * the response is complete the stream is reset with `NO_ERROR`, which tells the client to stop
 * sending (RFC 9113 §8.1); the connection's other streams are not affected.
 */
export function discardRequestBody(req: HttpRequest, res: HttpResponse): void {
  if (res instanceof Http2ServerResponse) {
    const stream = res.stream;
    res.once('finish', () => stream.close(constants.NGHTTP2_NO_ERROR));
  } else {
    req.pause();
  }
}

/**
 * Cuts a response that cannot be completed (a handler failed after the head was sent): for
 * HTTP/1.x the connection is destroyed, the only way to tell the client that the body is
 * short; for HTTP/2 only this stream is reset (RST_STREAM `INTERNAL_ERROR`, RFC 9113 §8.1),
 * and the connection's other streams carry on.
 */
export function abortResponse(res: HttpResponse): void {
  if (res instanceof Http2ServerResponse) res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  else res.destroy();
}
