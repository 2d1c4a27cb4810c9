/**
 * What the server keeps per WebSocket, and `clients`, the open WebSockets as `ws` users know
 * them (`wss.clients`). Both live in one place: common's `ConnectionTracker`, keyed by the
 * `WebSocket`, which stores a {@link ConnectionState} under each one until the server's
 * {@link ClientMonitor} deletes it at the WebSocket's close; {@link ClientSet} is a live,
 * read-only view of it, not a second collection to keep in sync.
 */
import type { ConnectionTracker, connectionFields, Logger } from 'common';
import type { ConnectionMonitor } from './connection-settings.ts';
import type { WsProtocolError } from './errors.ts';
import { ReadyState, type WebSocket } from './websocket.ts';

/** Log fields of one connection (common's `connectionFields`): a counter and the peer's address. */
export type ConnectionFields = ReturnType<typeof connectionFields>;

/**
 * The server's state of one open WebSocket, stored in the tracker under the `WebSocket`: its
 * log fields, kept instead of a pino child logger (a child costs ~2 KB per connection).
 */
export type ConnectionState = ConnectionFields;

/** The tracker of a {@link WsServer}: transport sockets, and a state per open WebSocket. */
export type WsConnections = ConnectionTracker<ConnectionState, WebSocket>;

/**
 * What the server hears of every client, as the one monitor all its connections share (no
 * listeners per connection): pongs (for the heartbeat), protocol failures (logged, then the
 * server's `clientError`), closes (logged, then the state is deleted). It also runs the
 * heartbeat: WebSockets pinged and not yet answered wait in a set, which is empty between
 * heartbeats, so an idle connection costs it nothing.
 */
export class ClientMonitor implements ConnectionMonitor {
  readonly #connections: WsConnections;
  readonly #logger: Logger;
  readonly #onClientError: (err: WsProtocolError, ws: WebSocket) => void;
  /** Pinged by the last heartbeat, no pong yet. */
  readonly #awaitingPong = new Set<WebSocket>();

  constructor(
    connections: WsConnections,
    logger: Logger,
    onClientError: (err: WsProtocolError, ws: WebSocket) => void,
  ) {
    this.#connections = connections;
    this.#logger = logger;
    this.#onClientError = onClientError;
  }

  onPong(ws: WebSocket): void {
    this.#awaitingPong.delete(ws);
  }

  onError(ws: WebSocket, err: WsProtocolError): void {
    this.#logger.info(
      { ...this.#connections.get(ws), code: err.code },
      `protocol error: ${err.message}`,
    );
    this.#onClientError(err, ws);
  }

  onClose(ws: WebSocket, code: number, reason: string): void {
    this.#logger.info({ ...this.#connections.get(ws), code, reason }, 'websocket closed');
    this.#awaitingPong.delete(ws);
    this.#connections.delete(ws);
    // The server adopted the socket at the upgrade (no second `close` listener on it).
    this.#connections.forget(ws.socket);
  }

  /** One heartbeat: terminate who did not answer the last ping, ping the others. */
  heartbeat(): void {
    for (const [ws, fields] of this.#connections.entries()) {
      if (this.#awaitingPong.has(ws)) {
        this.#logger.info(fields, 'heartbeat: no pong since the last ping, terminating');
        ws.terminate();
        continue;
      }
      this.#awaitingPong.add(ws);
      if (ws.readyState === ReadyState.OPEN) ws.ping();
    }
  }
}

/**
 * The server's open WebSockets as a read-only `Set`, like `ws`'s `wss.clients`: a live view of
 * the connection tracker (a WebSocket leaves it when it emits `close`).
 */
export class ClientSet implements ReadonlySet<WebSocket> {
  readonly #connections: WsConnections;

  constructor(connections: WsConnections) {
    this.#connections = connections;
  }

  get size(): number {
    return this.#connections.stateSize;
  }

  has(ws: WebSocket): boolean {
    return this.#connections.get(ws) !== undefined;
  }

  *keys(): SetIterator<WebSocket> {
    yield* this.#connections.keys();
  }

  values(): SetIterator<WebSocket> {
    return this.keys();
  }

  [Symbol.iterator](): SetIterator<WebSocket> {
    return this.keys();
  }

  *entries(): SetIterator<[WebSocket, WebSocket]> {
    for (const ws of this.keys()) yield [ws, ws];
  }

  forEach(
    callback: (value: WebSocket, key: WebSocket, set: ReadonlySet<WebSocket>) => void,
    thisArg?: unknown,
  ): void {
    for (const ws of this.keys()) callback.call(thisArg, ws, ws, this);
  }
}
