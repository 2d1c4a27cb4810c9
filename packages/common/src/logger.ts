import type { Socket } from 'node:net';
import { pino, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** Logged as `name` on every line, e.g. `ws-server`. */
  name: string;
  /** pino level. Default `info`. `main.ts` passes `--log-level`/`LOG_LEVEL`. */
  level?: string;
  /**
   * `pretty` (human-readable, colour when the stream is a TTY), `json` (one JSON object a line),
   * or `auto` (default): pretty when stdout is a TTY, JSON otherwise (pipes, CI, `pnpm start`).
   */
  format?: 'auto' | 'pretty' | 'json';
  /** Where lines go. Default stdout, written synchronously so nothing is lost at exit. */
  destination?: DestinationStream;
}

/**
 * Creates the process's root logger (pino). Servers take a `logger` option and log through it;
 * per-connection lines go through {@link connectionLogger}.
 */
export function createLogger(opts: CreateLoggerOptions): Logger {
  const format =
    opts.format === undefined || opts.format === 'auto'
      ? process.stdout.isTTY
        ? 'pretty'
        : 'json'
      : opts.format;
  const destination =
    format === 'pretty'
      ? pretty({
          destination: opts.destination ?? 1,
          sync: true,
          colorize: opts.destination === undefined && process.stdout.isTTY === true,
          translateTime: 'HH:MM:ss.l',
          ignore: 'pid,hostname',
        })
      : (opts.destination ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    { name: opts.name, level: opts.level ?? 'info', base: { pid: process.pid } },
    destination,
  );
}

/** A logger that drops everything: the default in tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

let nextConnectionId = 0;

/**
 * The fields that identify one connection in log lines: `conn` (a process-wide counter, so the
 * lines of one connection can be grepped together) and `remote` (`address:port`; `unix` for a
 * Unix domain socket; `unknown` for a TCP socket already destroyed, which has no address any
 * more). Take them at `connection` time, while the address is known.
 *
 * Servers that keep many connections (WebSocket) store these fields and pass them per line
 * (`logger.info({ ...fields }, …)`): a pino child per connection costs about 2 KB of heap for
 * as long as the connection lives.
 */
export function connectionFields(socket: Socket): { conn: number; remote: string } {
  nextConnectionId += 1;
  let remote: string;
  if (socket.remoteAddress !== undefined) {
    const host = socket.remoteAddress.includes(':')
      ? `[${socket.remoteAddress}]`
      : socket.remoteAddress;
    remote = `${host}:${socket.remotePort}`;
  } else {
    remote = socket.destroyed ? 'unknown' : 'unix';
  }
  return { conn: nextConnectionId, remote };
}

/**
 * A child logger for one connection, every line tagged with {@link connectionFields}: simple,
 * and right for servers with up to thousands of connections (see the memory note there).
 */
export function connectionLogger(logger: Logger, socket: Socket): Logger {
  return logger.child(connectionFields(socket));
}
