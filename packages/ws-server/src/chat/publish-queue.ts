/**
 * The messages a networked bus (`RedisChatBus`) has taken and not yet had confirmed: a FIFO
 * that waits while the connection is down, with two bounds. Time: each message waits at most
 * `timeoutMs` (queued or in flight), then its sender is told (`UNAVAILABLE` if it was never
 * written, `UNCONFIRMED` if it was). Memory: at most `maxPendingBytes` of text (each message
 * plus {@link CHAT_PENDING_OVERHEAD}), past which `push` refuses at once. A message is written
 * once at most, in the order pushed.
 */
import { CHAT_PENDING_OVERHEAD } from '../constants.ts';
import { ChatBusError } from '../errors.ts';

/** Options of {@link PublishQueue}. */
export interface PublishQueueOptions {
  /** How long a message may wait for its confirmation, in ms. */
  timeoutMs: number;
  /** Bytes of messages (plus overhead each) that may wait at once. */
  maxPendingBytes: number;
  /** Names what it waits for in error messages, e.g. `Redis`. */
  what: string;
  /** True while messages can be written. */
  ready(): boolean;
  /** Writes one message; resolves when the other side confirmed it. */
  write(room: string, text: string): Promise<unknown>;
  /** The sender's error for a write that failed (it was written: not resent). */
  failure(err: unknown): ChatBusError;
}

interface Pending {
  room: string;
  text: string;
  bytes: number;
  /** Written (a failure from then on is not `UNAVAILABLE`). */
  written: boolean;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(): void;
  reject(err: ChatBusError): void;
}

/** See the module's TSDoc. */
export class PublishQueue {
  readonly #options: PublishQueueOptions;
  /** Messages not written yet, oldest first. */
  readonly #waiting: Pending[] = [];
  #pendingBytes = 0;

  constructor(options: PublishQueueOptions) {
    this.#options = options;
  }

  /** Bytes waiting or in flight (with the overhead). */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Takes a message: written now if ready and nothing waits before it, else queued.
   *
   * @throws {ChatBusError} (rejects) `ERR_CHAT_BUS_UNAVAILABLE` past `maxPendingBytes` (at
   *   once) or after `timeoutMs` unwritten; `ERR_CHAT_BUS_UNCONFIRMED` after `timeoutMs`
   *   written but unconfirmed; `failure(err)` of a write that failed.
   */
  push(room: string, text: string): Promise<void> {
    const { maxPendingBytes, what } = this.#options;
    const bytes = Buffer.byteLength(text) + CHAT_PENDING_OVERHEAD;
    if (this.#pendingBytes + bytes > maxPendingBytes)
      return Promise.reject(
        new ChatBusError(
          'ERR_CHAT_BUS_UNAVAILABLE',
          `more than ${maxPendingBytes} bytes of messages are already waiting for ${what}`,
        ),
      );
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = {
        room,
        text,
        bytes,
        written: false,
        settled: false,
        timer: undefined,
        resolve,
        reject,
      };
      this.#pendingBytes += bytes;
      pending.timer = setTimeout(() => this.#expire(pending), this.#options.timeoutMs);
      if (this.#options.ready() && this.#waiting.length === 0) this.#write(pending);
      else this.#waiting.push(pending);
    });
  }

  /** Writes what waits, in order, while ready (call it when the connection becomes ready). */
  flush(): void {
    while (this.#waiting.length > 0 && this.#options.ready()) {
      const pending = this.#waiting.shift()!;
      if (!pending.settled) this.#write(pending);
    }
  }

  /** Refuses every message not written yet with `err`. */
  refuseWaiting(err: ChatBusError): void {
    for (const pending of this.#waiting.splice(0)) this.#settle(pending, err);
  }

  #write(pending: Pending): void {
    pending.written = true;
    this.#options.write(pending.room, pending.text).then(
      () => this.#settle(pending),
      (err: unknown) => this.#settle(pending, this.#options.failure(err)),
    );
  }

  #expire(pending: Pending): void {
    const { timeoutMs, what } = this.#options;
    this.#settle(
      pending,
      pending.written
        ? new ChatBusError(
            'ERR_CHAT_BUS_UNCONFIRMED',
            `${what} did not confirm the message within ${timeoutMs} ms: it may have been delivered`,
          )
        : new ChatBusError(
            'ERR_CHAT_BUS_UNAVAILABLE',
            `${what} was unreachable for ${timeoutMs} ms: the message was not published`,
          ),
    );
    // Every message waits as long, so the expired ones are at the head: drop them (and their
    // text) now rather than at the next flush.
    while (this.#waiting[0]?.settled === true) this.#waiting.shift();
  }

  #settle(pending: Pending, err?: ChatBusError): void {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    this.#pendingBytes -= pending.bytes;
    if (err === undefined) pending.resolve();
    else pending.reject(err);
  }
}
