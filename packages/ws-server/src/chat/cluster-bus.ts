/**
 * The `/chat` bus between the workers of one `--workers N` cluster: {@link ClusterChatBus} in
 * each worker, {@link relayChatBetweenWorkers} in the primary (which runs `main.ts` up to
 * common's `serve()`, so `main.ts` installs the relay there). Messages go worker → primary →
 * every worker with members in the room, over the IPC channels `cluster.fork()` opened; the
 * primary numbers them (see `relay.ts`).
 */
import cluster from 'node:cluster';
import { pickLimits, resolveLimits, type LimitOptions, type Logger } from 'common';
import { ChatBusError } from '../errors.ts';
import { CHAT_BUS_LIMITS } from '../limits.ts';
import { attachOnce, type ChatBus, type ChatSink } from './bus.ts';
import { CHAT_IPC, ChatRelay, isChatIpc, type ChatToPrimary, type ChatToWorker } from './relay.ts';

/** The worker's end of the IPC channel (`process` in a real worker; tests pass a fake). */
export interface ChatChannel {
  /** Sends to the primary; `onSent` once written, or with an error (channel closed). */
  send(message: ChatToPrimary, onSent: (err: Error | null) => void): void;
  /** Hears the primary until the returned function is called. */
  listen(listener: (message: unknown) => void): () => void;
}

/** The IPC channel of this worker process (`process.send`, `process.on('message')`). */
export function processChannel(): ChatChannel {
  return {
    send(message, onSent) {
      if (process.send === undefined) {
        onSent(new Error('this process has no IPC channel'));
        return;
      }
      process.send(message, undefined, {}, onSent);
    },
    listen(listener) {
      process.on('message', listener);
      return () => process.off('message', listener);
    },
  };
}

const BUS_LIMITS = pickLimits(CHAT_BUS_LIMITS, ['chatMaxPending']);

/** Options of {@link ClusterChatBus}. */
export interface ClusterChatBusOptions extends LimitOptions<typeof BUS_LIMITS> {
  /** Bytes of messages handed to the channel and not yet written; past it `publish` refuses. Default 4 MiB. */
  chatMaxPending?: number | undefined;
  /** Default: this process's IPC channel ({@link processChannel}). */
  channel?: ChatChannel;
}

interface Joining {
  id: number;
  ready: Promise<void>;
  resolve(): void;
  reject(err: ChatBusError): void;
}

/**
 * A worker's chat bus. `publish` resolves once the message is written to the IPC channel
 * (there is no waiting for a reconnect here: the channel is up as long as the primary is);
 * with more than `chatMaxPending` bytes not yet written (a stuck primary) it rejects at once
 * with `ERR_CHAT_BUS_UNAVAILABLE`, as it does when the channel is closed.
 */
export class ClusterChatBus implements ChatBus {
  readonly kind = 'cluster';
  readonly #channel: ChatChannel;
  readonly #maxPending: number;
  readonly #stopListening: () => void;
  readonly #joined = new Map<string, Joining>();
  #sink: ChatSink | undefined;
  #pendingBytes = 0;
  #nextId = 0;
  #closed = false;

  /** @throws {InvalidArgumentError} (common) for a `chatMaxPending` outside its bounds. */
  constructor(options: ClusterChatBusOptions = {}) {
    this.#maxPending = resolveLimits(BUS_LIMITS, options).chatMaxPending;
    this.#channel = options.channel ?? processChannel();
    this.#stopListening = this.#channel.listen((message) => this.#receive(message));
  }

  attach(sink: ChatSink): void {
    this.#sink = attachOnce(this.#sink, sink);
  }

  join(room: string): Promise<void> {
    const current = this.#joined.get(room);
    if (current !== undefined) return current.ready;
    let resolve!: () => void;
    let reject!: (err: ChatBusError) => void;
    const ready = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const joining: Joining = { id: (this.#nextId += 1), ready, resolve, reject };
    this.#joined.set(room, joining);
    this.#channel.send({ netlab: CHAT_IPC, op: 'join', room, id: joining.id }, (err) => {
      if (err === null) return;
      if (this.#joined.get(room) === joining) this.#joined.delete(room);
      joining.reject(unreachable());
    });
    return ready;
  }

  leave(room: string): void {
    this.#joined.delete(room);
    this.#channel.send({ netlab: CHAT_IPC, op: 'leave', room }, ignore);
  }

  publish(room: string, text: string): Promise<void> {
    if (this.#closed) return Promise.reject(closed());
    const bytes = Buffer.byteLength(text);
    if (this.#pendingBytes + bytes > this.#maxPending)
      return Promise.reject(
        new ChatBusError(
          'ERR_CHAT_BUS_UNAVAILABLE',
          `more than ${this.#maxPending} bytes are waiting for the cluster primary`,
        ),
      );
    this.#pendingBytes += bytes;
    return new Promise((resolve, reject) => {
      this.#channel.send({ netlab: CHAT_IPC, op: 'publish', room, text }, (err) => {
        this.#pendingBytes -= bytes;
        if (err === null) resolve();
        else reject(unreachable());
      });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopListening();
    for (const joining of this.#joined.values()) joining.reject(closed());
    this.#joined.clear();
  }

  #receive(message: unknown): void {
    if (!isChatIpc(message)) return;
    const m = message as ChatToWorker;
    if (m.op === 'joined') {
      const joining = this.#joined.get(m.room);
      if (joining?.id === m.id) joining.resolve();
    } else if (m.op === 'deliver') {
      this.#sink?.deliver(m.room, Buffer.from(m.frame));
    }
  }
}

function ignore(): void {
  // A `leave` that cannot be sent: the primary is gone, and the room with it.
}

function unreachable(): ChatBusError {
  return new ChatBusError('ERR_CHAT_BUS_UNAVAILABLE', 'the cluster primary is not reachable');
}

function closed(): ChatBusError {
  return new ChatBusError('ERR_CHAT_BUS_UNAVAILABLE', 'the chat bus is closed');
}

/** Options of {@link relayChatBetweenWorkers}. */
export interface RelayOptions extends LimitOptions<typeof BUS_LIMITS> {
  logger: Logger;
  chatMaxPending?: number | undefined;
}

/**
 * In the cluster primary: relays the workers' chat messages (a {@link ChatRelay} on
 * `cluster`'s `message` and `exit` events). Call it before `serve()` forks the workers.
 *
 * @throws {InvalidArgumentError} (common) for a `chatMaxPending` outside its bounds.
 */
export function relayChatBetweenWorkers(options: RelayOptions): ChatRelay {
  const { chatMaxPending } = resolveLimits(BUS_LIMITS, options);
  const relay = new ChatRelay({
    logger: options.logger,
    chatMaxPending,
    send(id, message, onSent) {
      const worker = cluster.workers?.[id];
      if (worker === undefined || !worker.isConnected()) return false;
      worker.send(message, undefined, onSent);
      return true;
    },
  });
  cluster.on('message', (worker, message) => relay.receive(worker.id, message));
  cluster.on('exit', (worker) => relay.workerExited(worker.id));
  return relay;
}
