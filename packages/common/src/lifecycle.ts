import type { Server, Socket } from 'node:net';
import { formatAddress } from './address.ts';
import { CliError, HelpRequested } from './errors.ts';
import type { Logger } from './logger.ts';
import { prepareSocketPath } from './unix-socket.ts';

/** The open sockets of a server, kept up to date as they connect and close. */
export interface ConnectionTracker {
  readonly sockets: ReadonlySet<Socket>;
  readonly size: number;
  /** Destroys every open socket (the last step of a shutdown). Returns how many there were. */
  destroyAll(): number;
}

/**
 * Tracks every socket a server accepts (the raw TCP socket, also for TLS and for HTTP
 * connections that were upgraded away from `node:http`). Attach before `listen`.
 */
export function trackConnections(server: Server): ConnectionTracker {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    sockets,
    get size() {
      return sockets.size;
    },
    destroyAll() {
      // A socket can be destroyed and not yet have emitted 'close' (the server counts it as
      // gone already): only count the ones this call really cuts.
      let n = 0;
      for (const socket of sockets) {
        if (!socket.destroyed) n += 1;
        socket.destroy();
      }
      return n;
    },
  };
}

export interface ListenTarget {
  host: string;
  port: number;
  /**
   * Listen on this Unix domain socket path instead of host/port. {@link serve} first removes a
   * stale socket file left by a dead process (see {@link prepareSocketPath}).
   */
  path?: string;
}

/**
 * `server.listen()` as a promise: resolves with the bound address (`host:port` or the socket
 * path) once `listening` fired, rejects with the `error` event's error (`EADDRINUSE`,
 * `EACCES`, `EADDRNOTAVAIL`) otherwise.
 */
export function listen(server: Server, target: ListenTarget): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(formatAddress(server.address()));
    };
    server.once('error', onError);
    server.once('listening', onListening);
    if (target.path !== undefined) server.listen(target.path);
    else server.listen(target.port, target.host);
  });
}

export interface ServeOptions extends ListenTarget {
  /** Package name for log lines and errors, e.g. `tcp-server`. */
  name: string;
  logger: Logger;
  /** URL scheme for the `listening` line (`http`, `ws`, `tls` …); omitted: plain `host:port`. */
  scheme?: string;
  /** Graceful shutdown limit in ms; what is still open after it is destroyed. Default 5000. */
  shutdownTimeout?: number;
  /**
   * Asks open connections to finish (WebSocket close 1001, HTTP `Connection: close`, TCP
   * half-close). Called once, after the server stopped accepting; the `AbortSignal` aborts at
   * the shutdown deadline. The process exits once every connection has closed or the deadline
   * passed, whichever comes first.
   */
  drain?: (signal: AbortSignal) => void | Promise<void>;
}

export interface RunningServer {
  /** `host:port` or the Unix socket path the server is bound to. */
  address: string;
  /** Graceful shutdown (as on SIGINT/SIGTERM) without exiting the process. */
  shutdown(reason?: string): Promise<void>;
}

/**
 * Runs a server as a program, the way every package's `main.ts` does: listen, log exactly one
 * `listening on …` line with the real bound address, and on SIGINT/SIGTERM shut down
 * gracefully (stop accepting → `drain` → wait for connections up to `shutdownTimeout` →
 * destroy the rest → exit 0). A second signal during shutdown destroys what is left at once.
 *
 * @throws the `listen` error (`EADDRINUSE` …); {@link runMain} turns it into one line + exit 1.
 */
export async function serve(server: Server, opts: ServeOptions): Promise<RunningServer> {
  const tracker = trackConnections(server);
  const { logger } = opts;

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown'): Promise<void> => {
    shuttingDown ??= (async () => {
      const timeout = opts.shutdownTimeout ?? 5_000;
      // A plain (ref'd) timer, not AbortSignal.timeout(): it keeps the process alive until the
      // deadline even when the connections left hold no active handle.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeout);
      const deadline = controller.signal;
      // Stop accepting first: once the line below is out, new connections are refused.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      logger.info({ reason, connections: tracker.size, timeoutMs: timeout }, 'shutting down');
      const expired = new Promise<void>((resolve) =>
        deadline.addEventListener('abort', () => resolve()),
      );
      try {
        await Promise.race([opts.drain?.(deadline), expired]);
      } catch (err) {
        logger.warn({ err }, 'drain failed');
      }
      await Promise.race([closed, expired]);
      const destroyed = tracker.destroyAll();
      if (destroyed > 0) logger.warn({ destroyed }, 'shutdown timeout: destroyed open connections');
      await closed;
      clearTimeout(timer);
      logger.info('closed');
    })();
    return shuttingDown;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown !== undefined) {
      logger.warn({ signal }, 'second signal: destroying open connections');
      tracker.destroyAll();
      return;
    }
    void shutdown(signal).then(() => process.exit(0));
  };

  if (opts.path !== undefined && (await prepareSocketPath(opts.path)) === 'removed-stale') {
    logger.warn({ path: opts.path }, 'removed a stale socket file left by a dead process');
  }
  // Handlers go in before listening: a supervisor may signal as soon as it reads the
  // `listening` line, and without a handler SIGTERM's default action kills the process.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let address: string;
  try {
    address = await listen(server, opts);
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw err;
  }
  const shown = opts.scheme === undefined ? address : `${opts.scheme}://${address}`;
  logger.info({ address: shown }, `listening on ${shown}`);
  // An 'error' with no listener would crash the process; log it unless the server does.
  if (server.listenerCount('error') === 0)
    server.on('error', (err) => logger.error({ err }, 'server error'));
  return { address, shutdown };
}

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running?)',
  ECONNRESET: 'connection reset by the peer',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOENT: 'no such socket file',
};

/**
 * The body of every `main.ts`: runs `main`, and turns what it throws into one line on stderr,
 * prefixed with the program name: a {@link CliError} exits 2 (usage), a listen error
 * (`EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`) or a connect error (`ECONNREFUSED` …, from client
 * CLIs) exits 1 naming the address, anything else exits 1 with its stack.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (err instanceof HelpRequested) {
      process.stdout.write(err.text);
      process.exit(0);
    }
    if (err instanceof CliError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      const where = e.port === undefined ? (e.address ?? '') : `${e.address}:${e.port}`;
      const what =
        e.code === 'EADDRINUSE'
          ? 'address already in use'
          : e.code === 'EACCES'
            ? 'permission denied'
            : 'address not available';
      process.stderr.write(`${name}: cannot listen on ${where}: ${what} (${e.code})\n`);
      process.exit(1);
    }
    if (e.syscall === 'connect' && e.code !== undefined) {
      const where = e.port === undefined ? (e.address ?? '') : `${e.address}:${e.port}`;
      const what = CONNECT_ERRORS[e.code] ?? e.message;
      process.stderr.write(`${name}: cannot connect to ${where}: ${what} (${e.code})\n`);
      process.exit(1);
    }
    process.stderr.write(`${name}: ${e.code ? `${e.code}: ` : ''}${e.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
