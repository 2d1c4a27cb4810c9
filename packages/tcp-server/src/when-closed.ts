import type { EventEmitter } from 'node:events';

// TODO(common): every server's `drain` ends with this wait; it belongs on `ConnectionTracker`
// (e.g. `tracker.whenEmpty(signal)`), which owns the set and its `close` listeners.
/**
 * Resolves once every socket now in `sockets` has emitted `close`, or as soon as `signal`
 * aborts (at once if it already has). Waits on the events, no polling; removes its listeners
 * either way. A socket's `error` is not a reason to stop waiting: `close` follows it.
 *
 * `sockets` is a live set (common's `ConnectionTracker.sockets`) that drops a socket when it
 * closes; the sockets are taken as they are at the call (a server that stopped accepting gets
 * no new ones).
 */
export function whenClosed(sockets: ReadonlySet<EventEmitter>, signal: AbortSignal): Promise<void> {
  const pending = new Set(sockets);
  if (pending.size === 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = (): void => {
      for (const socket of pending) socket.off('close', onClose);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    function onClose(this: EventEmitter): void {
      this.off('close', onClose);
      pending.delete(this);
      if (pending.size === 0) finish();
    }
    for (const socket of pending) socket.on('close', onClose);
    signal.addEventListener('abort', finish, { once: true });
  });
}
