import type { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';

/** What the tracker can destroy: a `net.Socket`, a `tls.TLSSocket`, any socket-like Duplex. */
type Destroyable = Duplex;

/**
 * The open connections of one server: the one connection tracker every netlab server uses.
 *
 * - **Transport sockets**, added on the server's `connection` event ({@link attach}): every
 *   TCP socket the server accepted, also for TLS (before and after the handshake) and for
 *   HTTP connections upgraded away from `node:http`. {@link size} counts them and
 *   {@link destroyAll} cuts them at the end of a graceful shutdown.
 * - **Per-connection state** of type `T` ({@link set}), keyed by the object the protocol works
 *   with (the socket itself, a `TLSSocket`, a `WebSocket`) and dropped when that object emits
 *   `close`. `drain` walks it to end each connection the protocol's way.
 *
 * Listeners are shared functions, not closures per connection: a server with 10,000 idle
 * WebSockets pays one `Set` and one `Map` entry per connection here.
 */
export class ConnectionTracker<T = never, K extends EventEmitter = EventEmitter> {
  readonly #sockets = new Set<Destroyable>();
  readonly #state = new Map<K, T>();
  readonly #onSocketClose: (this: Destroyable) => void;
  readonly #onStateClose: (this: EventEmitter) => void;
  readonly #onConnection: (socket: Destroyable) => void;
  /** Resolvers of {@link whenEmpty} calls, woken when the last socket closes. */
  #emptyWaiters: (() => void)[] = [];

  constructor() {
    const sockets = this.#sockets;
    const state = this.#state;
    const wake = (): void => {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const resolve of waiters) resolve();
    };
    this.#onSocketClose = function (this: Destroyable) {
      sockets.delete(this);
      // State stored under the socket itself goes with it (see set()).
      state.delete(this as unknown as K);
      if (sockets.size === 0 && state.size === 0) wake();
    };
    this.#onStateClose = function (this: EventEmitter) {
      state.delete(this as K);
      if (sockets.size === 0 && state.size === 0) wake();
    };
    this.#onConnection = (socket) => this.add(socket);
  }

  /** Tracks every socket `server` accepts from now on (its `connection` event). Attach before `listen`. */
  attach(server: Server): this {
    server.on('connection', this.#onConnection);
    return this;
  }

  /** Tracks one transport socket until it closes (an already destroyed socket is ignored). */
  add(socket: Destroyable): void {
    if (socket.destroyed || this.#sockets.has(socket)) return;
    this.#sockets.add(socket);
    socket.on('close', this.#onSocketClose);
  }

  /**
   * The owner of `socket` listens to its `close` already and will call {@link forget} there:
   * the tracker drops its own `close` listener. A socket with one `close` listener keeps it as
   * a plain function; a second makes a listener array (64 bytes of heap per connection,
   * measured with 10,000 idle WebSockets).
   */
  adopt(socket: Destroyable): void {
    if (this.#sockets.has(socket)) socket.off('close', this.#onSocketClose);
  }

  /** Stops counting `socket`: its owner's `close` handler, after {@link adopt}. */
  forget(socket: Destroyable): void {
    this.#onSocketClose.call(socket);
  }

  /**
   * Stores the protocol's state for one connection under `key` (the socket, or the object
   * wrapping it: a `TLSSocket`, a `WebSocket`) until `key` emits `close`.
   *
   * One `close` listener per connection at most: state stored under a transport socket the
   * tracker counts already (the usual case with {@link attach}) is dropped by the listener that
   * counts it, and with `dropOnClose: false` no listener is added (the owner, which listens to
   * `close` already, calls {@link delete} itself). A second listener would turn the socket's
   * one listener function into a listener array: 64 bytes of heap per connection, measured
   * with 10,000 idle WebSockets.
   */
  set(key: K, value: T, opts: { dropOnClose?: boolean } = {}): void {
    if (
      !this.#state.has(key) &&
      opts.dropOnClose !== false &&
      !this.#sockets.has(key as unknown as Destroyable)
    )
      key.on('close', this.#onStateClose);
    this.#state.set(key, value);
  }

  /** The state stored under `key`, if it is still open. */
  get(key: K): T | undefined {
    return this.#state.get(key);
  }

  /** Drops `key`'s state (at its close, when it was set with `dropOnClose: false`). */
  delete(key: K): void {
    if (!this.#state.delete(key)) return;
    key.off('close', this.#onStateClose);
    if (this.#sockets.size === 0 && this.#state.size === 0) {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Open transport sockets. */
  get size(): number {
    return this.#sockets.size;
  }

  /** The open transport sockets. */
  get sockets(): ReadonlySet<Destroyable> {
    return this.#sockets;
  }

  /** Connections with protocol state (see {@link set}): `[key, state]` pairs. */
  entries(): IterableIterator<[K, T]> {
    return this.#state.entries();
  }

  /** The keys of the connections with protocol state. */
  keys(): IterableIterator<K> {
    return this.#state.keys();
  }

  /** The protocol states of the open connections. */
  values(): IterableIterator<T> {
    return this.#state.values();
  }

  /** How many connections have protocol state. */
  get stateSize(): number {
    return this.#state.size;
  }

  /**
   * Resolves once no transport socket is open and every state key has closed too (a
   * `TLSSocket` or a `WebSocket` emits `close` after its raw socket), at once when nothing is
   * open, or when `signal` aborts: the end of every `drain`.
   */
  whenEmpty(signal?: AbortSignal): Promise<void> {
    if ((this.#sockets.size === 0 && this.#state.size === 0) || signal?.aborted === true)
      return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.#emptyWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Destroys every open transport socket (the last step of a shutdown). Returns how many were
   * still open: a socket can be destroyed and not yet have emitted `close`; it is not counted.
   */
  destroyAll(): number {
    let n = 0;
    for (const socket of this.#sockets) {
      if (!socket.destroyed) n += 1;
      socket.destroy();
    }
    return n;
  }
}
