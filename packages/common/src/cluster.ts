/**
 * `--workers N`: one port served by N processes (`node:cluster`). Node 20 has no `reusePort`
 * for `net`/`dgram` (added in 22.12 / 23.1), so the primary owns the listening socket and hands
 * connections to the workers round-robin (Node's default scheduling on Linux); a UDP socket is
 * shared the same way. Book §5.4 (memory is per process) and ch. 9's cluster, in short.
 *
 * The primary runs no server: it forks the workers (the same `main.ts` with the same flags),
 * logs the one `listening on …` line once every worker listens, replaces a worker that dies
 * (with a back-off, so a crash loop does not spin), and on SIGINT/SIGTERM asks every worker to
 * shut down gracefully over IPC and waits for them. Workers ignore SIGINT (a terminal's Ctrl-C
 * reaches the whole process group; the primary coordinates) and shut down on the primary's
 * message, or on a SIGTERM sent to them alone.
 */
import cluster, { type Worker } from 'node:cluster';
import { NetlabError } from './errors.ts';
import type { Logger } from './logger.ts';
import { onSupervisorGone } from './supervised.ts';

/** The IPC message a primary sends to make a worker shut down gracefully. */
export const SHUTDOWN_MESSAGE = 'netlab:shutdown';

/** First restart delay after a worker died, in ms; doubles per death within {@link CRASH_WINDOW_MS}. */
export const RESTART_DELAY_MS = 100;
/** Longest restart delay, in ms. */
export const MAX_RESTART_DELAY_MS = 30_000;
/** Deaths further apart than this (ms) do not add to the back-off. */
export const CRASH_WINDOW_MS = 60_000;

/**
 * A worker that exited before it ever listened (its own one-line error, e.g. `EADDRINUSE`, is
 * on stderr): the primary stops the others instead of restarting it. Code
 * `ERR_WORKER_START_FAILED`.
 */
export class WorkerStartError extends NetlabError<'ERR_WORKER_START_FAILED'> {}

/** Options of {@link runPrimary}. */
export interface PrimaryOptions {
  name: string;
  logger: Logger;
  workers: number;
  /** URL scheme for the listening line. */
  scheme: string;
  /** The workers' own graceful shutdown limit, in ms; the primary waits this plus a margin. */
  shutdownTimeout: number;
  /** Shut down as on SIGTERM when the supervisor's IPC channel closes (`supervised.ts`). */
  supervised: boolean;
  /** A Unix socket path the workers listen on: prepared (stale file removed) once, here. */
  path?: string;
}

/** What {@link runPrimary} resolves with, like `serve()`'s `RunningServer`. */
export interface RunningCluster {
  /** `host:port` (or the Unix socket path) the workers listen on. */
  address: string;
  /** Graceful shutdown of every worker, without exiting the process. */
  shutdown(reason?: string): Promise<void>;
}

/** `cluster.isPrimary` and more than one worker asked for: `serve()` becomes {@link runPrimary}. */
export function isClusterPrimary(workers: number | undefined): boolean {
  return workers !== undefined && workers > 1 && cluster.isPrimary;
}

/** True in a worker process forked by {@link runPrimary}. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

function formatClusterAddress(address: {
  address: string | null;
  port: number;
  addressType: number | string;
}): string {
  if (address.addressType === -1) return address.address ?? '';
  const host = address.address ?? '127.0.0.1';
  return host.includes(':') ? `[${host}]:${address.port}` : `${host}:${address.port}`;
}

/**
 * Forks `opts.workers` workers of the running `main.ts` and supervises them. Resolves once all
 * of them listen (after the one `listening on …` line); rejects if a worker exits before it
 * ever listened (a listen error such as `EADDRINUSE`: restarting would not help), after the
 * other workers were stopped.
 */
export function runPrimary(opts: PrimaryOptions): Promise<RunningCluster> {
  const { logger } = opts;
  const deaths: number[] = [];
  const listening = new Set<Worker>();
  let address: string | undefined;
  let stopping: Promise<void> | undefined;
  let started = false;

  const fork = (): void => {
    const worker = cluster.fork();
    logger.info({ worker: worker.id, pid: worker.process.pid }, 'worker started');
  };

  const stopWorkers = (signal?: NodeJS.Signals): Promise<void> => {
    const workers = Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => w !== undefined,
    );
    const exited = workers.map(
      (w) => new Promise<void>((resolve) => w.once('exit', () => resolve())),
    );
    for (const w of workers) {
      if (signal === 'SIGKILL') w.process.kill('SIGKILL');
      else if (w.isConnected()) w.send(SHUTDOWN_MESSAGE);
      else w.process.kill('SIGTERM');
    }
    // A worker that does not finish in its own deadline plus a margin is killed.
    const timer = setTimeout(() => {
      for (const w of workers) w.process.kill('SIGKILL');
    }, opts.shutdownTimeout + 2_000);
    return Promise.all(exited).then(() => clearTimeout(timer));
  };

  const shutdown = (reason = 'shutdown'): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason, workers: Object.keys(cluster.workers ?? {}).length }, 'shutting down');
      await stopWorkers();
      logger.info('closed');
    })();
    return stopping;
  };

  return new Promise<RunningCluster>((resolve, reject) => {
    cluster.on('listening', (worker, addr) => {
      listening.add(worker);
      address ??= formatClusterAddress(addr);
      if (!started && listening.size >= opts.workers) {
        started = true;
        const shown = addr.addressType === -1 ? address : `${opts.scheme}://${address}`;
        logger.info({ address: shown, workers: opts.workers }, `listening on ${shown}`);
        resolve({ address, shutdown });
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      const everListened = listening.delete(worker);
      if (stopping !== undefined) return;
      if (!started && !everListened) {
        // A start-up failure (its one-line error is on stderr): no restart loop.
        logger.error({ worker: worker.id, code, signal }, 'worker failed to start');
        void stopWorkers().then(() =>
          reject(
            new WorkerStartError(
              'ERR_WORKER_START_FAILED',
              `a worker exited (${code ?? signal}) before listening`,
            ),
          ),
        );
        return;
      }
      const now = Date.now();
      deaths.push(now);
      while (deaths.length > 0 && now - deaths[0]! > CRASH_WINDOW_MS) deaths.shift();
      const delay = Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** (deaths.length - 1));
      logger.warn(
        { worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delay },
        'worker died; starting a replacement',
      );
      setTimeout(() => {
        if (stopping === undefined) fork();
      }, delay).unref();
    });
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping !== undefined) {
        logger.warn({ signal }, 'second signal: killing the workers');
        void stopWorkers('SIGKILL');
        return;
      }
      void shutdown(signal).then(() => process.exit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (opts.supervised)
      onSupervisorGone(() => {
        if (stopping === undefined) void shutdown('supervisor exited').then(() => process.exit(0));
      });
    logger.info({ workers: opts.workers }, `starting ${opts.workers} workers`);
    for (let i = 0; i < opts.workers; i += 1) fork();
  });
}
