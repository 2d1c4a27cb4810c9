import type { Server as HttpServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenConnections } from './server-contract.ts';

/** How often {@link closeIdleHttpConnections} looks for newly idle keep-alive sockets, in ms. */
export const HTTP_DRAIN_POLL_MS = 50;

/**
 * The HTTP/1.1 part of a graceful drain, for any `http.Server` or `https.Server`: closes the
 * idle keep-alive sockets now, and again every {@link HTTP_DRAIN_POLL_MS} ms as responses
 * finish and turn busy sockets idle (once is not enough), until no connection is left or
 * `signal` aborts. Call it after `server.close()`; answer in-flight requests with
 * `Connection: close` yourself (the server knows which responses have not started).
 */
export async function closeIdleHttpConnections(
  server: Pick<HttpServer, 'closeIdleConnections'>,
  connections: OpenConnections,
  signal: AbortSignal,
): Promise<void> {
  while (connections.size > 0 && !signal.aborted) {
    server.closeIdleConnections();
    await sleep(HTTP_DRAIN_POLL_MS, undefined, { ref: false, signal }).catch(() => undefined);
  }
}
