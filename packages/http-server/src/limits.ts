/**
 * Every limit of http-server, once: default, bounds, unit and help line. The library
 * (`resolveOptions`, `request`, `runLoad`) and the CLIs (`cli/server.ts`, `cli/client.ts`:
 * flags and `--help`) read these tables through common's `resolveLimits` / `readLimitFlags` /
 * `limitsHelp`, so no bound or default is written anywhere else.
 *
 * Two tables, because there are two programs: {@link LIMITS} are `createHttpServer`'s options
 * (the server's flags), {@link CLIENT_LIMITS} the client's (`request`, `runLoad`, and the
 * `client` command's flags). Book: 深入浅出Node.js §7.3; Node's own defaults are noted where
 * netlab's differ (`lib/_http_server.js`, `lib/_http_agent.js`).
 */
import type { LimitTable } from 'common';

/** Upper bound of every server wait, in ms: 10 minutes. */
const TEN_MINUTES = 600_000;

/** `createHttpServer`'s limits (flags of `http-server`: the key in kebab case). */
export const LIMITS = {
  /**
   * Largest request body `/echo` accepts, in bytes: 1 MiB (max 1 GiB). Over it: 413 (RFC 9110
   * §15.5.14), or 417 for `Expect: 100-continue` (§10.1.1) before the body is sent.
   */
  maxBody: {
    default: 1024 * 1024,
    min: 0,
    max: 1024 * 1024 * 1024,
    unit: 'bytes',
    help: 'largest /echo body; over it → 413, or 417 for Expect',
  },
  /**
   * Time to receive the complete request head, in ms (`server.headersTimeout`, Node's default
   * 60 000): a slowloris client trickling header bytes is cut with 408 after it.
   */
  headersTimeout: {
    default: 15_000,
    min: 1,
    max: TEN_MINUTES,
    unit: 'ms',
    help: 'time to receive the request head; → 408',
  },
  /**
   * Time to receive the whole request, head and body, in ms (`server.requestTimeout`, Node's
   * default 300 000); 0 disables. Must not be below `headersTimeout` (Node refuses that too).
   */
  requestTimeout: {
    default: 30_000,
    min: 0,
    max: TEN_MINUTES,
    unit: 'ms',
    help: 'time to receive the whole request, 0 = off; → 408',
  },
  /** How long an idle keep-alive socket waits for its next request, in ms (Node's 5 000). */
  keepAliveTimeout: {
    default: 5_000,
    min: 0,
    max: TEN_MINUTES,
    unit: 'ms',
    help: 'idle keep-alive socket lifetime',
  },
  /** Header fields parsed per request; the rest are dropped (`server.maxHeadersCount`, Node's 2 000). */
  maxHeadersCount: {
    default: 100,
    min: 1,
    max: 10_000,
    unit: 'count',
    help: 'header fields parsed per request',
  },
  /**
   * Requests served on one keep-alive socket; the last is answered with `Connection: close`
   * (`server.maxRequestsPerSocket`, Node's default 0 = no limit).
   */
  maxRequestsPerSocket: {
    default: 1_000,
    min: 0,
    max: 1_000_000,
    unit: 'count',
    help: 'requests per keep-alive socket, 0 = no limit',
  },
  /**
   * How often Node checks `headersTimeout` and `requestTimeout`, in ms. Node's default is
   * 30 000, so a 15 s `headersTimeout` would fire anywhere between 15 and 45 s; 1 s keeps the
   * cut precise.
   */
  connectionsCheckingInterval: {
    default: 1_000,
    min: 100,
    max: TEN_MINUTES,
    unit: 'ms',
    help: 'how often the two timeouts above are checked',
  },
  /** CONNECT tunnel (RFC 9110 §9.3.6): time to connect to the target, in ms; over it → 502. */
  tunnelConnectTimeout: {
    default: 10_000,
    min: 1,
    max: TEN_MINUTES,
    unit: 'ms',
    help: 'CONNECT: time to reach the target; → 502',
  },
  /** CONNECT tunnel: closed after this long with no traffic either way, in ms. */
  tunnelIdleTimeout: {
    default: 60_000,
    min: 1,
    max: TEN_MINUTES,
    unit: 'ms',
    help: 'CONNECT: an idle tunnel is closed after this',
  },
} as const satisfies LimitTable;

/** The client's limits: `request` / `connectThrough` options, `runLoad`'s, and `client` flags. */
export const CLIENT_LIMITS = {
  /** Give up after this long without activity on the socket, in ms (error `ETIMEDOUT`). */
  timeout: {
    default: 10_000,
    min: 1,
    max: TEN_MINUTES,
    unit: 'ms',
    help: 'give up after this long without socket activity',
  },
  /** Largest response body kept, in bytes: 16 MiB; over it → `ERR_HTTP_RESPONSE_TOO_LARGE`. */
  maxResponseBody: {
    default: 16 * 1024 * 1024,
    min: 0,
    max: 1024 * 1024 * 1024,
    unit: 'bytes',
    help: 'largest response body kept',
  },
  /** Load mode: requests in flight at once. */
  concurrency: {
    default: 10,
    min: 1,
    max: 10_000,
    unit: 'count',
    help: 'load mode: requests in flight at once',
  },
  /** Load mode: total requests. */
  requests: {
    default: 100,
    min: 1,
    max: 1_000_000,
    unit: 'count',
    help: 'load mode: total requests',
  },
  /**
   * Load mode: the Agent's `maxSockets` per origin. Unset: Node's default, `Infinity` (the
   * book's Node 0.10 defaulted to 5).
   */
  maxSockets: {
    default: undefined,
    min: 1,
    max: 10_000,
    unit: 'count',
    help: "load mode: the Agent's maxSockets; none = Node's Infinity (the book's Node: 5)",
  },
} as const satisfies LimitTable;
