/**
 * What the server keeps per WebSocket, and `clients`, the open WebSockets as `ws` users know
 * them (`wss.clients`). Both live in one place: common's `ConnectionTracker`, which stores a
 * {@link ConnectionState} under each `WebSocket` until it emits `close`; {@link ClientSet} is a
 * live, read-only view of it, not a second collection to keep in sync.
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
  /** The endpoint's path (`/echo`, `/chat` …): `/chat` broadcasts to the `/chat` connections. */
  readonly path: string;
  /** For an `/inspect?tap=ID` connection: the tap ID whose `/chat` frames it receives. */
  tap: string | undefined;
}

/** The tracker of a {@link WsServer}: transport sockets, and a state per WebSocket. */
export type WsConnections = ConnectionTracker<ConnectionState>;

/** Every open WebSocket of a server with its state (the tracker holds only WebSocket keys). */
export function webSocketEntries(
  connections: WsConnections,
): IterableIterator<[WebSocket, ConnectionState]> {
  return connections.entries() as IterableIterator<[WebSocket, ConnectionState]>;
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
    for (const [ws] of webSocketEntries(this.#connections)) yield ws;
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
