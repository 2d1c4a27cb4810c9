/**
 * What the server keeps per WebSocket, and `clients`, the open WebSockets as `ws` users know
 * them (`wss.clients`). Both live in one place: common's `ConnectionTracker`, keyed by the
 * `WebSocket`, which stores a {@link ConnectionState} under each one until the server's shared
 * `close` listener deletes it; {@link ClientSet} is a live, read-only view of it, not a second
 * collection to keep in sync.
 */
import type { ConnectionTracker, connectionFields } from 'common';
import type { WebSocket } from './websocket.ts';

/** Log fields of one connection (common's `connectionFields`): a counter and the peer's address. */
export type ConnectionFields = ReturnType<typeof connectionFields>;

/** The server's state of one open WebSocket, stored in the tracker under the `WebSocket`. */
export interface ConnectionState {
  /** Log fields, kept instead of a pino child logger (a child costs ~2 KB per connection). */
  readonly fields: ConnectionFields;
  /** False after a heartbeat ping until the pong arrives. */
  alive: boolean;
}

/** The tracker of a {@link WsServer}: transport sockets, and a state per open WebSocket. */
export type WsConnections = ConnectionTracker<ConnectionState, WebSocket>;

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
