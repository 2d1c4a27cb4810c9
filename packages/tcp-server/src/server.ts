import { Server, type Socket } from 'node:net';
import {
  ConnectionTracker,
  connectionLogger,
  InvalidArgumentError,
  resolveLimits,
  silentLogger,
  validateOneOf,
  type LimitValues,
  type Logger,
  type NetlabServer,
} from 'common';
import { assertNever } from 'common/protocol';
import type { ConnectionHandle } from './connection.ts';
import { ECHO_GREETING, MAX_GREETING_BYTES } from './constants.ts';
import { handleEchoConnection } from './echo.ts';
import { handleFramedConnection } from './framed.ts';
import { handleLengthEchoConnection } from './length-echo.ts';
import { SERVER_LIMITS } from './limits.ts';

/** The server's modes: the §7.1 pipe `echo`, or one of the three 粘包 fixes. */
export type Framing = 'echo' | 'line' | 'length' | 'fixed';

/** Every framing, in the order the CLI lists them. */
export const FRAMINGS: readonly Framing[] = ['echo', 'line', 'length', 'fixed'];

/**
 * Options of {@link createTcpServer}; every size in bytes, every time in ms. The limits'
 * defaults and bounds are `SERVER_LIMITS` in `limits.ts` (the CLI's flags read the same table).
 */
export interface TcpServerOptions {
  /** Default `echo`. */
  framing?: Framing;
  /** `line`: longest message, terminator not counted. Default 64 KiB, 1 … 1 GiB. */
  maxMessage?: number;
  /** `length`: largest payload a header may declare. Default 16 MiB, 0 … 1 GiB. */
  maxPayload?: number;
  /** `fixed`: record size. Default 128, 1 … 1 GiB. */
  frameSize?: number;
  /** Close a connection idle (no bytes either way) this long; 0 = never. Default 60 000, at most one day. */
  idleTimeout?: number;
  /** `socket.setNoDelay(true)` on every connection (turns Nagle's algorithm off, §7.1). Default false. */
  noDelay?: boolean;
  /** `server.maxConnections`: connections beyond it are closed at once (`drop` event). Default unlimited, 1 … 1 000 000. */
  maxConnections?: number;
  /** `echo` mode's greeting, under 4 KiB (`MAX_GREETING_BYTES`). Default {@link ECHO_GREETING}. */
  greeting?: string;
  /** Root logger; each connection logs through a `connectionLogger` child. Default silent. */
  logger?: Logger;
}

/** {@link TcpServerOptions} with every default filled in (`maxConnections` stays optional). */
export type ResolvedTcpServerOptions = LimitValues<typeof SERVER_LIMITS> & {
  framing: Framing;
  noDelay: boolean;
  greeting: string;
};

/**
 * The §7.1 server on netlab's server contract (common's `NetlabServer`): `server` is a
 * `net.Server` created with `allowHalfOpen: true`, serving one {@link Framing}; `connections`
 * tracks every accepted socket with its {@link ConnectionHandle}; `drain` half-closes them
 * gracefully. Run it with common's `serve()` (or `startServer()` in tests).
 */
export class TcpServer implements NetlabServer<Server> {
  readonly server: Server;
  readonly connections = new ConnectionTracker<ConnectionHandle>();
  readonly scheme = 'tcp';
  /** The resolved options. */
  readonly options: Readonly<ResolvedTcpServerOptions>;
  readonly #logger: Logger;

  constructor(options: ResolvedTcpServerOptions, logger: Logger) {
    this.options = options;
    this.#logger = logger;
    const server = new Server({ allowHalfOpen: true });
    this.server = server;
    // The tracker's `connection` listener goes first: a socket is counted before its handler runs.
    this.connections.attach(server);
    if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
    server.on('connection', (socket: Socket) => this.#onConnection(socket));
    server.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) =>
      logger.warn(
        {
          remote: `${data?.remoteAddress}:${data?.remotePort}`,
          maxConnections: server.maxConnections,
        },
        'maxConnections reached: connection dropped',
      ),
    );
    server.on('close', () => logger.info('server closed'));
    server.on('error', (err: NodeJS.ErrnoException) =>
      logger.error({ err: { code: err.code, message: err.message } }, 'server error'),
    );
  }

  /**
   * The graceful step of a shutdown, after the server stopped accepting: every open
   * connection stops reading, flushes what it already echoed and half-closes (FIN); each
   * closes once its peer ends too. Resolves when every connection has closed, or when
   * `signal` aborts (the caller then destroys the rest).
   */
  async drain(signal: AbortSignal): Promise<void> {
    let ended = 0;
    for (const handle of this.connections.values()) {
      handle.end();
      ended += 1;
    }
    this.#logger.info(
      { connections: ended },
      'half-closing open connections after their last echo',
    );
    await this.connections.whenEmpty(signal);
  }

  #onConnection(socket: Socket): void {
    const { options } = this;
    const logger = connectionLogger(this.#logger, socket);
    logger.info({ framing: options.framing }, 'connection');
    if (options.noDelay) socket.setNoDelay(true);
    let handle: ConnectionHandle;
    switch (options.framing) {
      case 'echo':
        handle = handleEchoConnection(socket, {
          logger,
          idleTimeout: options.idleTimeout,
          greeting: options.greeting,
        });
        break;
      case 'length':
        // The echo of a frame is its own bytes: split at frame boundaries, no decode/encode.
        handle = handleLengthEchoConnection(socket, { ...options, logger });
        break;
      case 'line':
      case 'fixed':
        handle = handleFramedConnection(socket, { ...options, framing: options.framing, logger });
        break;
      default:
        return assertNever(options.framing, 'framing');
    }
    this.connections.set(socket, handle);
  }
}

/**
 * Creates the §7.1 TCP server, not listening yet. Modes ({@link Framing}):
 * - `echo`: one greeting line, then `socket.pipe(socket)`; half-close answered after the echo.
 * - `line`: `\n`-terminated messages (a `\r` before it stripped), each echoed as message + `\n`;
 *   a line over `maxMessage` gets one `ERR ERR_MESSAGE_TOO_LONG …` line and the connection closes.
 * - `length`: 4-byte unsigned BE length + payload, echoed frame by frame; a header over
 *   `maxPayload` closes the connection before anything is allocated (logged).
 * - `fixed`: `frameSize`-byte records echoed one by one; a trailing partial record is logged
 *   (`ERR_UNEXPECTED_EOF` with its size), not echoed.
 * Backpressure in every mode; errors close only their connection.
 *
 * @throws {InvalidArgumentError} naming the option: `ERR_INVALID_ARG_TYPE` for a limit that
 *   is not a number, `ERR_OUT_OF_RANGE` for one that is not an integer in its bounds,
 *   `ERR_INVALID_ARG_VALUE` for an unknown `framing` or a greeting of 4 KiB or more.
 */
export function createTcpServer(options: TcpServerOptions = {}): TcpServer {
  const framing = validateOneOf(options.framing ?? 'echo', 'framing', FRAMINGS);
  const greeting = options.greeting ?? ECHO_GREETING;
  const greetingBytes = Buffer.byteLength(greeting);
  if (greetingBytes >= MAX_GREETING_BYTES) {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_VALUE',
      `The argument "greeting" must be under ${MAX_GREETING_BYTES} bytes. Received ${greetingBytes} bytes`,
    );
  }
  const resolved: ResolvedTcpServerOptions = {
    ...resolveLimits(SERVER_LIMITS, options),
    framing,
    noDelay: options.noDelay ?? false,
    greeting,
  };
  return new TcpServer(resolved, options.logger ?? silentLogger());
}
