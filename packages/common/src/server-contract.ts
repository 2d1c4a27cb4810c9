/**
 * The one server contract. Every package's `createXServer(options)` returns a
 * {@link NetlabServer}: the unstarted Node server, the tracker of its open connections, and
 * `drain`, the protocol's own graceful-shutdown step. `main.ts` hands it to `serve()`, which
 * listens and runs the same shutdown sequence for all of them; a test hands it to the
 * harness's `startServer()`.
 */
import type { Socket as DgramSocket } from 'node:dgram';
import type { Server } from 'node:net';

/**
 * What a server listens with: a `net.Server` (and so `tls.Server`, `http.Server`,
 * `https.Server`, `http2` servers), or a `dgram.Socket` for UDP (bound rather than listening).
 */
export type Listenable = Server | DgramSocket;

/** The part of the connection tracker that the lifecycle needs (common's `ConnectionTracker`). */
export interface OpenConnections {
  /** Open transport sockets. */
  readonly size: number;
  /** Destroys every open socket; returns how many were still open. */
  destroyAll(): number;
}

/**
 * What every `createXServer(options)` returns, not yet listening.
 *
 * Graceful shutdown, the same for every server (`serve()`): stop accepting (`server.close()`)
 * → `drain(signal)` → wait until every connection closed or `signal` aborts at the deadline →
 * `connections.destroyAll()`.
 */
export interface NetlabServer<S extends Listenable = Listenable> {
  /** The unstarted Node server: `serve()` or the test harness listens on it. */
  readonly server: S;
  /** Its open connections, tracked from creation (for UDP, which has none: always empty). */
  readonly connections: OpenConnections;
  /** URL scheme for the `listening on …` line (`tcp`, `tls`, `http`, `ws`, `udp` …). */
  readonly scheme: string;
  /**
   * Asks every open connection to finish the protocol's way (TCP half-close after the last
   * echo, HTTP `Connection: close`, WebSocket close 1001, TLS close_notify), after the server
   * stopped accepting. Resolves once they are all gone, or when `signal` aborts at the
   * shutdown deadline (the caller then destroys what is left). Called at most once.
   */
  drain(signal: AbortSignal): Promise<void>;
}

/** True for a UDP socket (bound with `bind`), false for a `net.Server` (listening with `listen`). */
export function isDatagram(server: Listenable): server is DgramSocket {
  return typeof (server as DgramSocket).bind === 'function' && !('listen' in server);
}
