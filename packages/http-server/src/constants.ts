/**
 * Every magic value of http-server, named, with where it comes from. Book references are to
 * 深入浅出Node.js §7.3 ("构建HTTP服务"); RFC 9110 is HTTP semantics, RFC 9112 HTTP/1.1.
 */

/** The book's port for its first HTTP server (`listen(1337, '127.0.0.1')`, §7.3). */
export const DEFAULT_PORT = 1337;

/** Where the WebSocket server lives; the `upgrade` answer points there (ws-server's default). */
export const WS_SERVER_HINT = 'ws://127.0.0.1:12010 (packages/ws-server)';

/** Largest request body `/echo` accepts by default, in bytes: 1 MiB. */
export const DEFAULT_MAX_BODY = 1024 * 1024;
/** Upper bound for the `maxBody` option, in bytes: 1 GiB. */
export const MAX_MAX_BODY = 1024 * 1024 * 1024;

/**
 * Time allowed to receive the complete request head, in ms (Node's `server.headersTimeout`,
 * Node default 60 000). A slowloris client that trickles headers is cut off after it.
 */
export const DEFAULT_HEADERS_TIMEOUT = 15_000;
/** Time allowed to receive the whole request, head and body, in ms (Node default 300 000). */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;
/** How long an idle keep-alive socket is kept for its next request, in ms (Node default 5 000). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT = 5_000;
/** Header fields parsed per request; the rest are dropped (Node default 2 000). */
export const DEFAULT_MAX_HEADERS_COUNT = 100;
/** Requests served on one keep-alive socket before it is closed (Node default 0 = unlimited). */
export const DEFAULT_MAX_REQUESTS_PER_SOCKET = 1_000;
/**
 * How often Node checks the two timeouts above, in ms. Node's default is 30 000, so a
 * 15 s headersTimeout really fires anywhere between 15 and 45 s; 1 s keeps the cut precise.
 */
export const DEFAULT_CONNECTIONS_CHECKING_INTERVAL = 1_000;
/** Upper bound for every timeout option, in ms: 10 minutes. */
export const MAX_TIMEOUT = 600_000;

/** `GET /slow?ms=N`: the largest N, in ms. */
export const MAX_SLOW_MS = 10_000;
/** `GET /slow` without `ms`: this many ms. */
export const DEFAULT_SLOW_MS = 1_000;

/** Size of the `/static/*` body, in bytes: 10 KiB (the book's Buffer-vs-string test, ch. 6). */
export const STATIC_BODY_BYTES = 10 * 1024;

/** Graceful shutdown: how often idle keep-alive sockets are closed while draining, in ms. */
export const DRAIN_POLL_MS = 50;

/** CONNECT tunnel: time allowed to connect to the target, in ms. */
export const TUNNEL_CONNECT_TIMEOUT = 10_000;
/** CONNECT tunnel: closed after this long with no traffic either way, in ms. */
export const TUNNEL_IDLE_TIMEOUT = 60_000;

/** The RFC 9112 §2.2 line terminator. */
export const CRLF = '\r\n';
