/**
 * A server started by a supervisor that may die without a word. `pnpm start` (tools/start)
 * runs every server in its own process group, so that a terminal's Ctrl-C reaches only the
 * supervisor, which stops the servers one SIGTERM each; but a supervisor killed by SIGKILL (or
 * the OOM killer) runs no handler at all, and its servers would keep running and keep their
 * ports. So it also gives each server an IPC channel and sets {@link SUPERVISOR_ENV}: when the
 * channel closes, the supervisor is gone, whatever killed it, and the server shuts down as if
 * it had received SIGTERM.
 */
import cluster from 'node:cluster';

/** Set to `ipc` by a supervisor that spawned this process with an IPC channel to watch. */
export const SUPERVISOR_ENV = 'NETLAB_SUPERVISOR';

/**
 * Calls `onGone` once when the supervisor's IPC channel closes. `serve()` calls it when the
 * program was started supervised (`parseServerArgs` read {@link SUPERVISOR_ENV} as `ipc` into
 * `args.server.supervised`). Does nothing without an IPC channel, and nothing in a
 * `node:cluster` worker (its channel is the primary's; node:cluster ends a worker whose primary
 * is gone). The channel is unref'd: it keeps nothing alive by itself.
 */
export function onSupervisorGone(onGone: () => void): void {
  if (process.channel === undefined || cluster.isWorker) return;
  process.once('disconnect', onGone);
  process.channel.unref();
}
