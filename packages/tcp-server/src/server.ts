import { Server, type Socket } from 'node:net';
import { connectionLogger, silentLogger, type Logger } from 'common';
import type { ConnectionHandle } from './connection.ts';
import {
  DEFAULT_FRAME_SIZE,
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_MAX_MESSAGE,
  DEFAULT_MAX_PAYLOAD,
  ECHO_GREETING,
  MAX_IDLE_TIMEOUT,
  MAX_SIZE_LIMIT,
} from './constants.ts';
import { handleEchoConnection } from './echo.ts';
import { checkInteger, InvalidOptionError } from './errors.ts';
import { handleFramedConnection } from './framed.ts';

/** The server's modes: the §7.1 pipe `echo`, or one of the three 粘包 fixes. */
export type Framing = 'echo' | 'line' | 'length' | 'fixed';

/** Every framing, in the order the CLI lists them. */
export const FRAMINGS: readonly Framing[] = ['echo', 'line', 'length', 'fixed'];

/** Options of {@link createTcpServer}; every size in bytes, every time in ms. */
export interface TcpServerOptions {
  /** Default `echo`. */
  framing?: Framing;
  /** `line`: longest message, terminator not counted. Default 64 KiB, 1 … 1 GiB. */
  maxMessage?: number;
  /** `length`: largest payload a header may declare. Default 16 MiB, 0 … 1 GiB. */
  maxPayload?: number;
  /** `fixed`: record size. Default 128, 1 … 1 GiB. */
  frameSize?: number;
  /** Close a connection idle (no bytes either way) this long; 0 = never. Default 60 000. */
  idleTimeout?: number;
  /** `socket.setNoDelay(true)` on every connection (turns Nagle's algorithm off, §7.1). Default false. */
  noDelay?: boolean;
  /** `server.maxConnections`: connections beyond it are closed at once (`drop` event). Default unlimited. */
  maxConnections?: number;
  /** `echo` mode's greeting (keep it under 4 KiB). Default {@link ECHO_GREETING}. */
  greeting?: string;
  /** Root logger; each connection logs through a `connectionLogger` child. Default silent. */
  logger?: Logger;
}

type ResolvedOptions = Required<Omit<TcpServerOptions, 'maxConnections' | 'logger'>> & {
  maxConnections: number | undefined;
};

/**
 * A `net.Server` (created with `allowHalfOpen: true`) that serves one {@link Framing} and
 * tracks its connections so they can be ended gracefully. Listen with `server.listen()` or
 * common's `serve()`.
 */
export class TcpServer extends Server {
  readonly options: Readonly<ResolvedOptions>;
  readonly #logger: Logger;
  readonly #connections = new Set<ConnectionHandle>();

  constructor(options: ResolvedOptions, logger: Logger) {
    super({ allowHalfOpen: true });
    this.options = options;
    this.#logger = logger;
    if (options.maxConnections !== undefined) this.maxConnections = options.maxConnections;
    this.on('connection', (socket: Socket) => this.#onConnection(socket));
    this.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) =>
      logger.warn(
        {
          remote: `${data?.remoteAddress}:${data?.remotePort}`,
          maxConnections: this.maxConnections,
        },
        'maxConnections reached: connection dropped',
      ),
    );
    this.on('close', () => logger.info('server closed'));
    this.on('error', (err: NodeJS.ErrnoException) =>
      logger.error({ err: { code: err.code, message: err.message } }, 'server error'),
    );
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Graceful step of a shutdown (common's `serve` `drain`): every open connection stops
   * reading, flushes what it already echoed and half-closes (FIN). Returns how many.
   */
  endConnections(): number {
    for (const connection of this.#connections) connection.end();
    return this.#connections.size;
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
      case 'line':
      case 'length':
      case 'fixed':
        handle = handleFramedConnection(socket, { ...options, framing: options.framing, logger });
        break;
      default:
        throw new Error(`unknown framing ${String(options.framing satisfies never)}`);
    }
    this.#connections.add(handle);
    socket.once('close', () => this.#connections.delete(handle));
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
 * @throws {InvalidOptionError} `ERR_INVALID_ARG_VALUE` for an option out of range.
 */
export function createTcpServer(options: TcpServerOptions = {}): TcpServer {
  const framing = options.framing ?? 'echo';
  if (!FRAMINGS.includes(framing))
    throw new InvalidOptionError(
      `framing must be one of ${FRAMINGS.join(', ')} (got '${framing}')`,
    );
  const greeting = options.greeting ?? ECHO_GREETING;
  if (Buffer.byteLength(greeting) >= 4096)
    throw new InvalidOptionError('greeting must be under 4 KiB');
  const resolved: ResolvedOptions = {
    framing,
    maxMessage: checkInteger(
      'maxMessage',
      options.maxMessage ?? DEFAULT_MAX_MESSAGE,
      1,
      MAX_SIZE_LIMIT,
    ),
    maxPayload: checkInteger(
      'maxPayload',
      options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
      0,
      MAX_SIZE_LIMIT,
    ),
    frameSize: checkInteger(
      'frameSize',
      options.frameSize ?? DEFAULT_FRAME_SIZE,
      1,
      MAX_SIZE_LIMIT,
    ),
    idleTimeout: checkInteger(
      'idleTimeout',
      options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
      0,
      MAX_IDLE_TIMEOUT,
    ),
    noDelay: options.noDelay ?? false,
    maxConnections:
      options.maxConnections === undefined
        ? undefined
        : checkInteger('maxConnections', options.maxConnections, 1, 1_000_000),
    greeting,
  };
  return new TcpServer(resolved, options.logger ?? silentLogger());
}
