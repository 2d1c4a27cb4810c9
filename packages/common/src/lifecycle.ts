import type { Socket as DgramSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { formatAddress } from './address.ts';
import { isClusterPrimary, isClusterWorker, runPrimary, SHUTDOWN_MESSAGE } from './cluster.ts';
import { CliError, HelpRequested, NetlabError } from './errors.ts';
import { listeningMessage } from './listening.ts';
import type { Logger } from './logger.ts';
import { isDatagram, type Listenable, type NetlabServer } from './server-contract.ts';
import { onSupervisorGone } from './supervised.ts';
import { prepareSocketPath } from './unix-socket.ts';

/** Where a server listens: host and port, or a Unix domain socket path. */
export interface ListenTarget {
  host: string;
  port: number;
  /**
   * Listen on this Unix domain socket path instead of host/port (TCP servers only). {@link serve}
   * first removes a stale socket file left by a dead process (see `prepareSocketPath`).
   */
  path?: string;
}

/**
 * `server.listen()` (or, for UDP, `socket.bind()`) as a promise: resolves with the bound address
 * (`host:port` or the socket path) once `listening` fired, rejects with the `error` event's error
 * (`EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`) otherwise.
 */
export function listen(server: Listenable, target: ListenTarget): Promise<string> {
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
    if (isDatagram(server)) server.bind({ port: target.port, address: target.host });
    else if (target.path !== undefined) server.listen(target.path);
    else server.listen(target.port, target.host);
  });
}

/**
 * Stops accepting: `server.close()` for TCP (resolves once every connection has closed, as
 * Node's does), `socket.close()` for UDP (resolves at once: no connections).
 */
export function closeServer(server: Listenable): Promise<void> {
  return new Promise((resolve) => {
    if (isDatagram(server)) {
      try {
        (server as DgramSocket).close(() => resolve());
      } catch {
        resolve(); // already closed (ERR_SOCKET_DGRAM_NOT_RUNNING)
      }
      return;
    }
    (server as Server).close(() => resolve());
  });
}

/** Options of {@link serve}: where to listen, plus what every server's `main.ts` passes. */
export interface ServeOptions extends ListenTarget {
  /** Package name for log lines and errors, e.g. `tcp-server`. */
  name: string;
  logger: Logger;
  /** Graceful shutdown limit in ms; what is still open after it is destroyed. Default 5000. */
  shutdownTimeout?: number;
  /**
   * Processes serving the port (`--workers`): above 1 this process becomes a `node:cluster`
   * primary that forks that many workers running the same `main.ts` (see `cluster.ts`), and
   * `app` is not listened on here. Default 1.
   */
  workers?: number;
  /**
   * Started by a supervisor that watches over IPC (`ServerArgs.supervised`): shut down as on
   * SIGTERM when its channel closes (`supervised.ts`). Default false.
   */
  supervised?: boolean;
}

/** A server {@link serve} started. */
export interface RunningServer {
  /** `host:port` or the Unix socket path the server is bound to. */
  address: string;
  /** Graceful shutdown (as on SIGINT/SIGTERM) without exiting the process. */
  shutdown(reason?: string): Promise<void>;
}

/**
 * Runs a {@link NetlabServer} as a program, the way every package's `main.ts` does: listen,
 * log exactly one `listening on scheme://host:port` (or `listening on /path.sock`) line with the real bound address, and on
 * SIGINT/SIGTERM shut down gracefully: stop accepting → `app.drain(deadline)` → wait for the
 * connections up to `shutdownTimeout` → `app.connections.destroyAll()` → exit 0. A second
 * signal during shutdown destroys what is left at once. Under a supervisor that watches over
 * IPC (`pnpm start`, see `supervised.ts`), the supervisor's end is a SIGTERM too.
 *
 * @throws the `listen` error (`EADDRINUSE` …); {@link runMain} turns it into one line + exit 1.
 */
export async function serve(app: NetlabServer, opts: ServeOptions): Promise<RunningServer> {
  const { server, connections } = app;
  const { logger } = opts;
  const worker = isClusterWorker();
  if (isClusterPrimary(opts.workers)) {
    if (opts.path !== undefined && (await prepareSocketPath(opts.path)) === 'removed-stale') {
      logger.warn({ path: opts.path }, 'removed a stale socket file left by a dead process');
    }
    return runPrimary({
      name: opts.name,
      logger,
      workers: opts.workers!,
      scheme: app.scheme,
      shutdownTimeout: opts.shutdownTimeout ?? 5_000,
      supervised: opts.supervised === true,
      ...(opts.path === undefined ? {} : { path: opts.path }),
    });
  }

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown'): Promise<void> => {
    shuttingDown ??= (async () => {
      const timeout = opts.shutdownTimeout ?? 5_000;
      // A plain (ref'd) timer, not AbortSignal.timeout(): it keeps the process alive until the
      // deadline even when the connections left hold no active handle.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeout);
      const deadline = controller.signal;
      // A TCP server stops accepting first: once the line below is out, new connections are
      // refused. A UDP socket has no connections to finish: it drains (replies already handed
      // to send() complete) and is closed afterwards, or close() would cancel those replies.
      const datagram = isDatagram(server);
      let closed = datagram ? undefined : closeServer(server);
      logger.info({ reason, connections: connections.size, timeoutMs: timeout }, 'shutting down');
      const expired = new Promise<void>((resolve) =>
        deadline.addEventListener('abort', () => resolve()),
      );
      try {
        await Promise.race([app.drain(deadline), expired]);
      } catch (err) {
        logger.warn({ err }, 'drain failed');
      }
      closed ??= closeServer(server);
      await Promise.race([closed, expired]);
      const destroyed = connections.destroyAll();
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
      connections.destroyAll();
      return;
    }
    void shutdown(signal).then(() => process.exit(0));
  };

  // In a cluster the primary prepared the path (workers would race each other here).
  if (
    !worker &&
    opts.path !== undefined &&
    (await prepareSocketPath(opts.path)) === 'removed-stale'
  ) {
    logger.warn({ path: opts.path }, 'removed a stale socket file left by a dead process');
  }
  // Handlers go in before listening: a supervisor may signal as soon as it reads the
  // `listening` line, and without a handler SIGTERM's default action kills the process.
  // A cluster worker leaves SIGINT (a terminal's Ctrl-C reaches every process of the group)
  // to its primary, which asks it to shut down over IPC.
  process.on('SIGINT', worker ? ignoreSignal : onSignal);
  process.on('SIGTERM', onSignal);
  if (worker) {
    process.on('message', (message) => {
      if (message === SHUTDOWN_MESSAGE) onSignal('SIGTERM');
    });
  }
  if (opts.supervised === true)
    onSupervisorGone(() => {
      if (shuttingDown === undefined)
        void shutdown('supervisor exited').then(() => process.exit(0));
    });
  let address: string;
  try {
    address = await listen(server, opts);
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw err;
  }
  // A Unix socket path is shown as it is; host:port with the server's scheme.
  const shown = opts.path === undefined ? `${app.scheme}://${address}` : address;
  // One `listening on …` line per program: in a cluster the primary writes it.
  if (worker) logger.info({ address: shown }, 'worker listening');
  else logger.info({ address: shown }, listeningMessage(shown));
  // An 'error' with no listener would crash the process; log it unless the server does.
  if (server.listenerCount('error') === 0)
    server.on('error', (err: Error) => logger.error({ err }, 'server error'));
  return { address, shutdown };
}

function ignoreSignal(): void {
  // A cluster worker's SIGINT: the primary coordinates the shutdown.
}

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running?)',
  ECONNRESET: 'connection reset by the peer',
  ETIMEDOUT: 'timed out',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'TLS handshake timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOENT: 'no such socket file',
};

/** An error class whose instances are the user's input errors (exit 2), for {@link runMain}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

/** Options of {@link runMain}. */
export interface RunMainOptions {
  /**
   * Package error classes that mean "your input is wrong" (a certificate file that does not
   * parse, a key that does not match): printed in one line with exit 2, like a bad flag.
   * {@link CliError} always is.
   */
  usageErrors?: readonly ErrorClass[];
}

/**
 * The exit status `runMain` gives an error: 0 for {@link HelpRequested}, 2 for a
 * {@link CliError} or one of `usageErrors`, 1 for anything else (listen and connect errors,
 * bugs). The one place that maps errors to exit codes.
 */
export function exitCodeFor(err: unknown, usageErrors: readonly ErrorClass[] = []): 0 | 1 | 2 {
  if (err instanceof HelpRequested) return 0;
  if (err instanceof CliError || usageErrors.some((c) => err instanceof c)) return 2;
  return 1;
}

/**
 * The body of every `main.ts`: runs `main`, and turns what it throws into one line on stderr,
 * prefixed with the program name, and an exit status ({@link exitCodeFor}): `--help` prints its
 * text and exits 0; a {@link CliError} (or one of `usageErrors`) exits 2; a listen error
 * (`EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`) or a connect error (`ECONNREFUSED`, `ETIMEDOUT` …,
 * from client CLIs) exits 1 naming the address; another `NetlabError` exits 1 with its message
 * and code; anything else (a bug) exits 1 with its stack.
 */
export function runMain(name: string, main: () => Promise<void>, opts: RunMainOptions = {}): void {
  main().catch((err: unknown) => {
    const status = exitCodeFor(err, opts.usageErrors);
    if (err instanceof HelpRequested) {
      process.stdout.write(err.text);
      process.exit(status);
    }
    if (status === 2) {
      process.stderr.write(`${name}: ${(err as Error).message}\n`);
      process.exit(status);
    }
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
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
    if (err instanceof NetlabError) {
      // An expected failure with a code: one line, like the ones above.
      process.stderr.write(`${name}: ${err.message} (${err.code})\n`);
      process.exit(1);
    }
    process.stderr.write(`${name}: ${e.code ? `${e.code}: ` : ''}${e.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
