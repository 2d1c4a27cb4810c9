/**
 * Every magic value of http-server, named, with where it comes from (the limits, with their
 * defaults and bounds, are in `limits.ts`). Book references are to
 * 深入浅出Node.js §7.3 ("构建HTTP服务"); RFC 9110 is HTTP semantics, RFC 9112 HTTP/1.1.
 */

/** The book's port for its first HTTP server (`listen(1337, '127.0.0.1')`, §7.3). */
export const DEFAULT_PORT = 1337;

/** Where the WebSocket server lives; the `upgrade` answer points there (ws-server's default). */
export const WS_SERVER_HINT = 'ws://127.0.0.1:12010 (packages/ws-server)';

/** `GET /slow?ms=N`: the largest N, in ms. */
export const MAX_SLOW_MS = 10_000;
/** `GET /slow` without `ms`: this many ms. */
export const DEFAULT_SLOW_MS = 1_000;

/** Size of the `/static/*` body, in bytes: 10 KiB (the book's Buffer-vs-string test, ch. 6). */
export const STATIC_BODY_BYTES = 10 * 1024;

/** The RFC 9112 §2.2 line terminator. */
export const CRLF = '\r\n';
