import { once } from 'node:events';
import type { Socket } from 'node:net';
import { ConnectionClosedError, ConnectTimeoutError } from './errors.ts';

/** Options of {@link awaitConnect}. */
export interface AwaitConnectOptions {
  /** The whole wait (TCP connect, plus the TLS handshake for `secureConnect`), in ms. */
  timeoutMs: number;
  /** `connect` (default) for `net.connect`, `secureConnect` for `tls.connect`. */
  event?: 'connect' | 'secureConnect';
  /** What the error message names: `{ host, port }` or `{ path }` of the target. */
  target: { host: string; port: number } | { path: string };
}

/**
 * The one connect-timeout helper of every netlab client: resolves with `socket` once it emits
 * `connect` (or `secureConnect`); on a timeout destroys it and rejects.
 *
 * @throws the socket's error (`ECONNREFUSED`, `ENOENT` for a missing socket path,
 *   `SELF_SIGNED_CERT_IN_CHAIN` …), or {@link ConnectTimeoutError} `ETIMEDOUT`
 *   (`connect`) / `ERR_TLS_HANDSHAKE_TIMEOUT` (`secureConnect`) after `timeoutMs`, or
 *   {@link ConnectionClosedError} `ERR_SOCKET_CLOSED` when the socket closed without an error
 *   before the event (destroyed by its owner).
 */
export async function awaitConnect<S extends Socket>(
  socket: S,
  opts: AwaitConnectOptions,
): Promise<S> {
  const event = opts.event ?? 'connect';
  const address = 'path' in opts.target ? opts.target.path : opts.target.host;
  const port = 'path' in opts.target ? undefined : opts.target.port;
  const timer = setTimeout(() => {
    const code = event === 'connect' ? 'ETIMEDOUT' : 'ERR_TLS_HANDSHAKE_TIMEOUT';
    socket.destroy(new ConnectTimeoutError(code, opts.timeoutMs, address, port));
  }, opts.timeoutMs);
  const controller = new AbortController();
  try {
    // `once` rejects with the socket's `error` (the destroy above emits one, too). A socket
    // destroyed without an error (by its owner, or already destroyed when the timer fires)
    // emits only `close`: that ends the wait too, or it would never settle.
    await Promise.race([
      once(socket, event, { signal: controller.signal }),
      once(socket, 'close', { signal: controller.signal }).then(() => {
        throw new ConnectionClosedError(
          'ERR_SOCKET_CLOSED',
          `connection to ${address}${port === undefined ? '' : `:${port}`} closed before it was established`,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return socket;
}
