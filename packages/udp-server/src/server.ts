/**
 * The §7.2 UDP server: one `dgram` socket for every peer, echoing each datagram to its sender
 * (or, in `log` mode, printing the book's `server got: … from addr:port`).
 */
import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import {
  ConnectionTracker,
  formatAddress,
  InvalidArgumentError,
  resolveLimits,
  silentLogger,
  validateOneOf,
  type LimitOptions,
  type LimitValues,
  type Logger,
  type NetlabServer,
} from 'common';
import { assertNever } from 'common/protocol';
import { LOG_PREVIEW_BYTES } from './constants.ts';
import { LIMITS } from './limits.ts';
import { RateLimiter, type RateLimiterStats } from './protocol/rate-limiter.ts';

/** `echo`: every datagram goes back to its sender unchanged; `log`: logged, no reply. */
export type UdpMode = 'echo' | 'log';

/** Every mode, in the order the CLI lists them. */
export const MODES: readonly UdpMode[] = ['echo', 'log'];

/** The socket types `dgram.createSocket` takes. */
export const SOCKET_TYPES: readonly SocketType[] = ['udp4', 'udp6'];

/** Options of {@link createUdpServer}; the limits (`rate`, `burst` …) are in `LIMITS`. */
export interface UdpServerOptions extends LimitOptions<typeof LIMITS> {
  /** Default `echo`. */
  mode?: UdpMode;
  /** `udp4` (default) or `udp6`. */
  type?: SocketType;
  /**
   * `udp6` only. `false` (default): a socket bound to `::` also serves IPv4 peers (seen as
   * `::ffff:a.b.c.d`) where the OS allows it (Linux: `net.ipv6.bindv6only = 0`, its default);
   * `true`: IPv6 peers only.
   */
  ipv6Only?: boolean;
  /** Root logger. Default silent. */
  logger?: Logger;
  /** The rate limiter's clock, ms, monotonic. Default `performance.now`. Tests freeze it. */
  now?: () => number;
}

/** The server's counters, since creation. */
export interface UdpCounters {
  /** Datagrams received (all of them: served, dropped, or logged). */
  received: number;
  bytesReceived: number;
  /** Replies whose `socket.send` completed. */
  sent: number;
  bytesSent: number;
  /** Datagrams dropped by the per-source rate limit (`rate`, `burst`). */
  droppedRateLimit: number;
  /** Replies not sent because `maxSendQueue` replies were already waiting in libuv. */
  droppedSendQueue: number;
  /** Replies whose `socket.send` failed (logged; the socket keeps serving). */
  sendErrors: number;
  /** `error` events of the socket (a failed receive; the socket keeps serving). */
  socketErrors: number;
}

enum State {
  Serving,
  /** `drain` was called: new datagrams are ignored, replies already handed over complete. */
  Draining,
}

/** Resolved options of a {@link UdpServer}. */
export type ResolvedUdpServerOptions = LimitValues<typeof LIMITS> & {
  mode: UdpMode;
  type: SocketType;
  ipv6Only: boolean;
};

/**
 * A UDP echo/log server: common's server contract over one unbound `dgram.Socket`. `serve()`
 * (or the test harness) binds it; see {@link createUdpServer}.
 */
export class UdpServer implements NetlabServer<Socket> {
  /** The socket, not bound yet. */
  readonly server: Socket;
  /**
   * Always empty: UDP has no connections. A datagram is handled when it arrives and nothing
   * about its sender outlives it (except a rate-limit bucket), so there is nothing to track,
   * drain one by one, or destroy at the end of a shutdown.
   */
  readonly connections = new ConnectionTracker();
  readonly scheme = 'udp';
  readonly options: Readonly<ResolvedUdpServerOptions>;
  readonly #logger: Logger;
  readonly #limiter: RateLimiter | undefined;
  readonly #now: () => number;
  readonly #counters: UdpCounters = {
    received: 0,
    bytesReceived: 0,
    sent: 0,
    bytesSent: 0,
    droppedRateLimit: 0,
    droppedSendQueue: 0,
    sendErrors: 0,
    socketErrors: 0,
  };
  #state = State.Serving;
  /** Replies handed to `socket.send` whose callback has not run yet. */
  #pending = 0;
  #onIdle: (() => void) | undefined;

  constructor(options: ResolvedUdpServerOptions, logger: Logger, now: () => number) {
    this.options = options;
    this.#logger = logger;
    this.#now = now;
    this.#limiter =
      options.rate === undefined
        ? undefined
        : new RateLimiter({
            rate: options.rate,
            burst: options.burst ?? options.rate,
            maxSources: options.maxSources,
          });
    this.server = createSocket({
      type: options.type,
      ...(options.type === 'udp6' ? { ipv6Only: options.ipv6Only } : {}),
      ...(options.recvBufferSize === undefined ? {} : { recvBufferSize: options.recvBufferSize }),
      ...(options.sendBufferSize === undefined ? {} : { sendBufferSize: options.sendBufferSize }),
    });
    // The four events of §7.2.
    this.server.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.#onMessage(msg, rinfo));
    this.server.on('listening', () => this.#onListening());
    this.server.on('close', () => logger.info({ event: 'close' }, "socket 'close'"));
    this.server.on('error', (err: NodeJS.ErrnoException) => {
      this.#counters.socketErrors += 1;
      logger.error({ event: 'error', err }, "socket 'error'");
    });
  }

  /** A copy of the counters. */
  get counters(): UdpCounters {
    return { ...this.#counters };
  }

  /** The rate limiter's own counters, or `undefined` when `rate` is not set. */
  get rateLimiter(): RateLimiterStats | undefined {
    return this.#limiter?.stats;
  }

  /** Logs the counters at info (`main.ts` calls it on SIGUSR2; `drain` at shutdown). */
  logCounters(reason: string): void {
    const limiter = this.#limiter?.stats;
    this.#logger.info({ reason, ...this.#counters, ...(limiter && { limiter }) }, 'counters');
  }

  /**
   * Graceful shutdown: stops handling new datagrams, then resolves once every reply already
   * handed to `socket.send` has completed (its callback ran), or when `signal` aborts; then logs
   * the counters. `serve()` closes a dgram socket only after `drain`: `close()` would cancel
   * the replies libuv still has queued.
   */
  async drain(signal: AbortSignal): Promise<void> {
    this.#state = State.Draining;
    if (this.#pending > 0 && !signal.aborted) {
      this.#logger.info({ pending: this.#pending }, 'waiting for replies in flight');
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal.removeEventListener('abort', done);
          this.#onIdle = undefined;
          resolve();
        };
        this.#onIdle = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    this.logCounters('shutdown');
  }

  #onListening(): void {
    const s = this.server;
    this.#logger.info(
      {
        event: 'listening',
        address: formatAddress(s.address()),
        pid: process.pid, // for `kill -USR2` (counters); the pretty log format hides pino's own
        type: this.options.type,
        ...(this.options.type === 'udp6' && { ipv6Only: this.options.ipv6Only }),
        recvBufferSize: s.getRecvBufferSize(),
        sendBufferSize: s.getSendBufferSize(),
      },
      "socket 'listening'",
    );
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.#state === State.Draining) return;
    const c = this.#counters;
    c.received += 1;
    c.bytesReceived += msg.length;
    const logger = this.#logger;
    if (logger.isLevelEnabled('debug'))
      logger.debug(
        { event: 'message', size: msg.length, remote: remote(rinfo) },
        "socket 'message'",
      );
    if (this.#limiter !== undefined && !this.#limiter.take(rinfo.address, this.#now())) {
      c.droppedRateLimit += 1;
      if (logger.isLevelEnabled('debug'))
        logger.debug({ remote: remote(rinfo) }, 'rate limit: datagram dropped');
      return;
    }
    const mode = this.options.mode;
    switch (mode) {
      case 'echo':
        this.#reply(msg, rinfo);
        return;
      case 'log': {
        // Quoted (JSON): a datagram's newlines cannot forge log lines.
        const text = JSON.stringify(msg.toString('utf8', 0, LOG_PREVIEW_BYTES));
        const more = msg.length > LOG_PREVIEW_BYTES ? '…' : '';
        logger.info({ size: msg.length }, `server got: ${text}${more} from ${remote(rinfo)}`);
        return;
      }
      default:
        assertNever(mode, 'mode');
    }
  }

  /**
   * The echo. Amplification factor ≤ 1 by construction: the reply is the request's own buffer,
   * sent once, to the address and port it came from; nothing is added and nothing is sent that
   * was not asked for (RFC 9000 §8.1 allows an unvalidated peer 3×).
   */
  #reply(msg: Buffer, rinfo: RemoteInfo): void {
    const c = this.#counters;
    // UDP has no backpressure: when the kernel buffer is full libuv queues the reply in memory.
    // Bound that queue and drop instead (as a router would).
    if (this.server.getSendQueueCount() >= this.options.maxSendQueue) {
      c.droppedSendQueue += 1;
      return;
    }
    this.#pending += 1;
    try {
      this.server.send(msg, rinfo.port, rinfo.address, (err, bytes) => {
        this.#pending -= 1;
        if (err) this.#sendFailed(err, rinfo);
        else {
          c.sent += 1;
          c.bytesSent += bytes;
        }
        if (this.#pending === 0) this.#onIdle?.();
      });
    } catch (err) {
      this.#pending -= 1; // thrown before anything was queued: no callback will come
      this.#sendFailed(err as NodeJS.ErrnoException, rinfo);
    }
  }

  #sendFailed(err: NodeJS.ErrnoException, rinfo: RemoteInfo): void {
    this.#counters.sendErrors += 1;
    this.#logger.warn({ err, remote: remote(rinfo) }, 'send failed; still serving');
  }
}

/** `address:port` of a datagram's sender, IPv6 in brackets. */
function remote(rinfo: RemoteInfo): string {
  return rinfo.family === 'IPv6'
    ? `[${rinfo.address}]:${rinfo.port}`
    : `${rinfo.address}:${rinfo.port}`;
}

/**
 * Creates the §7.2 UDP server, not bound yet: bind it with common's `serve()` (or `listen()`,
 * or the harness's `startServer()`).
 *
 * - `mode: 'echo'` (default): every datagram, a 0-byte one too, goes back to its sender
 *   unchanged; `'log'`: `server got: "…" from addr:port` at info, no reply.
 * - `rate` (datagrams/s per source IP, default off) with `burst` (default `rate`): a token
 *   bucket per source; the excess is dropped and counted. At most `maxSources` buckets.
 * - Logs the socket's `listening`, `close` and `error` events at info/error and `message` at
 *   debug (size, remote); a failed send is logged and counted, the socket keeps serving.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_VALUE` for an unknown `mode` or `type`,
 *   `burst` without `rate`, or `ipv6Only` with `udp4`; `ERR_OUT_OF_RANGE` /
 *   `ERR_INVALID_ARG_TYPE` for a limit outside `LIMITS`.
 */
export function createUdpServer(options: UdpServerOptions = {}): UdpServer {
  const mode = validateOneOf(options.mode ?? 'echo', 'mode', MODES);
  const type = validateOneOf(options.type ?? 'udp4', 'type', SOCKET_TYPES);
  const limits = resolveLimits(LIMITS, options);
  if (limits.burst !== undefined && limits.rate === undefined) {
    throw new InvalidArgumentError('ERR_INVALID_ARG_VALUE', 'The option "burst" needs "rate"');
  }
  if (options.ipv6Only === true && type !== 'udp6') {
    throw new InvalidArgumentError('ERR_INVALID_ARG_VALUE', 'The option "ipv6Only" needs udp6');
  }
  return new UdpServer(
    { ...limits, mode, type, ipv6Only: options.ipv6Only ?? false },
    options.logger ?? silentLogger(),
    options.now ?? (() => performance.now()),
  );
}
