/**
 * Every limit of https-server, once. The HTTP/1.1 rows are http-server's own (picked from its
 * table: the same defaults and bounds, "the same limits as http-server"); the TLS and HTTP/2
 * rows are this package's. `createHttpsServer` resolves its options from {@link LIMITS}
 * (common's `resolveLimits`), the server CLI builds its flags and `--help` from it
 * (`limitFlags`, `readLimitFlags`, `limitsHelp`); {@link CLIENT_LIMITS} likewise for the client.
 *
 * HTTP/2 protections that need no row, because Node 20's nghttp2 (1.61) has them built in:
 * rapid reset (CVE-2023-44487: a stream reset rate limit), CONTINUATION floods
 * (CVE-2024-27983), and floods of frames that must be acknowledged (SETTINGS, PING: nghttp2
 * ends the session once 1 000 acknowledgements are queued unsent, `NGHTTP2_ERR_FLOODED`).
 */
import { pickLimits, type LimitTable } from 'common';
import { CLIENT_LIMITS as HTTP_CLIENT_LIMITS, LIMITS as HTTP_LIMITS } from 'http-server';

/** Upper bound of every TLS/HTTP/2 wait, in ms: one hour. */
const MAX_WAIT_MS = 3_600_000;

const HTTP1 = pickLimits(HTTP_LIMITS, [
  'maxBody',
  'headersTimeout',
  'requestTimeout',
  'keepAliveTimeout',
  'maxHeadersCount',
  'maxRequestsPerSocket',
  'connectionsCheckingInterval',
]);

/** `createHttpsServer`'s limits (flags of `https-server`: the key in kebab case). */
export const LIMITS = {
  ...HTTP1,
  /** http-server's row; here it also bounds each HTTP/2 stream's request (RST_STREAM/408 after it). */
  requestTimeout: {
    ...HTTP1.requestTimeout,
    help: `${HTTP1.requestTimeout.help} (h2: per stream)`,
  },
  /** http-server's row; here it also closes an HTTP/2 session silent this long, with GOAWAY. */
  keepAliveTimeout: {
    ...HTTP1.keepAliveTimeout,
    help: 'idle keep-alive socket / silent h2 session (GOAWAY) lifetime',
  },
  /** http-server's row; for HTTP/2 it becomes `maxHeaderListPairs` (this + 4 pseudo-headers). */
  maxHeadersCount: {
    ...HTTP1.maxHeadersCount,
    help: 'header fields per request (h1: rest dropped; h2: stream refused)',
  },
  /**
   * The TLS handshake must finish within this time, in ms (`handshakeTimeout`; Node's default
   * 120 000 lets a silent client hold a socket for two minutes).
   */
  handshakeTimeout: {
    default: 10_000,
    min: 1,
    max: MAX_WAIT_MS,
    unit: 'ms',
    help: 'abort unfinished TLS handshakes',
  },
  /**
   * SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §6.5.2): streams a client may have open at
   * once. Node's default is 2^32 − 1, i.e. none; RFC 9113 §6.5.2 recommends at least 100.
   * Node's client waits for a free slot. A client that opens more anyway: each stream over it
   * is refused (REFUSED_STREAM) while the client has not acknowledged the setting, and the
   * session ends (PROTOCOL_ERROR, nghttp2) once it has.
   */
  maxConcurrentStreams: {
    default: 100,
    min: 1,
    max: 10_000,
    unit: 'count',
    help: 'h2: open streams per session (SETTINGS_MAX_CONCURRENT_STREAMS)',
  },
  /**
   * SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2), in bytes: the decoded header list of one
   * request, each field counted as name + value + 32. 16 KiB, like Node's HTTP/1 header limit
   * (`--max-http-header-size`); Node's h2 default is 64 KiB. Over it: RST_STREAM
   * ENHANCE_YOUR_CALM (HTTP/1.1 answers 431).
   */
  maxHeaderListSize: {
    default: 16 * 1024,
    min: 1024,
    max: 1024 * 1024,
    unit: 'bytes',
    help: 'h2: header list size per request (SETTINGS_MAX_HEADER_LIST_SIZE)',
  },
  /**
   * `maxSessionMemory`, in megabytes (Node's unit): the memory one HTTP/2 session may use
   * (streams, header tables, queued data, unacknowledged PING/SETTINGS); over it new streams
   * are refused. Node's default.
   */
  maxSessionMemory: {
    default: 10,
    min: 1,
    max: 1024,
    unit: 'count',
    help: 'h2: memory per session, in MB; new streams refused beyond',
  },
  /** `maxSettings`: entries in one SETTINGS frame; more ends the session (GOAWAY ENHANCE_YOUR_CALM). Node's default. */
  maxSettings: {
    default: 32,
    min: 1,
    max: 1024,
    unit: 'count',
    help: 'h2: entries per SETTINGS frame; more → GOAWAY',
  },
  /**
   * `maxSessionInvalidFrames`: invalid frames tolerated before the session is closed. A
   * conforming client sends none; Node's default is 1 000.
   */
  maxSessionInvalidFrames: {
    default: 100,
    min: 1,
    max: 100_000,
    unit: 'count',
    help: 'h2: invalid frames tolerated per session',
  },
  /**
   * `maxSessionRejectedStreams`: streams rejected at creation with ENHANCE_YOUR_CALM (the
   * session over `maxSessionMemory`) tolerated before the session is closed: a client that keeps
   * opening streams after being told to calm down is misbehaving. Node's default.
   */
  maxSessionRejectedStreams: {
    default: 100,
    min: 1,
    max: 100_000,
    unit: 'count',
    help: 'h2: streams rejected for memory tolerated per session',
  },
} as const satisfies LimitTable;

/** HTTP/2 counts the four request pseudo-headers (RFC 9113 §8.3.1) among a request's fields. */
export const PSEUDO_HEADER_COUNT = 4;

/** The client's limits: `httpsRequest` options and `client` flags. */
export const CLIENT_LIMITS = {
  /** TCP connect + TLS handshake, in ms (common's `awaitConnect`). */
  connectTimeout: {
    default: 10_000,
    min: 1,
    max: MAX_WAIT_MS,
    unit: 'ms',
    help: 'TCP connect + TLS handshake limit',
  },
  ...pickLimits(HTTP_CLIENT_LIMITS, ['timeout', 'maxResponseBody']),
} as const satisfies LimitTable;
