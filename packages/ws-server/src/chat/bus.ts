/**
 * The `/chat` bus: how a chat message gets from the connection that sent it to every member of
 * its room, wherever they are connected. Book §5.4: memory is not shared between processes, so
 * a room that spans processes needs something outside them to carry its messages. Three buses:
 *
 * | bus                                       | members on                 | who numbers a room's messages |
 * | ----------------------------------------- | -------------------------- | ----------------------------- |
 * | {@link InProcessChatBus} (default)        | this process               | this process                  |
 * | `ClusterChatBus` (`cluster-bus.ts`)       | the workers of one primary | the primary (`ChatRelay`)     |
 * | `RedisChatBus` (`redis-bus.ts`)           | any process, any machine   | Redis (one counter per room)  |
 *
 * Every bus delivers a room's messages to a process in one order, numbered from 1 by one
 * counter per room; none retries a message it may already have sent (at most once).
 */
import { InvalidArgumentError } from 'common';
import { chatFrame } from './messages.ts';

/** Where a bus delivers: the server's rooms (`ChatRooms`). */
export interface ChatSink {
  /**
   * A message of `room`: the JSON text frame every local member gets, as UTF-8 (see
   * `messages.ts`). Called in the room's sequence order.
   */
  deliver(room: string, frame: Buffer): void;
}

/** A `/chat` bus: see the module's TSDoc. */
export interface ChatBus {
  /** For logs: `in-process`, `cluster` or `redis`. */
  readonly kind: 'in-process' | 'cluster' | 'redis';
  /**
   * Called by the server it is given to, once.
   *
   * @throws {InvalidArgumentError} `ERR_INVALID_ARG_VALUE` when the bus already serves a server.
   */
  attach(sink: ChatSink): void;
  /**
   * This process has members in `room`: deliver its messages. Resolves once messages
   * published from then on will be delivered (a subscription confirmed); idempotent while
   * joined (the same promise).
   */
  join(room: string): Promise<void>;
  /** This process has no members left in `room`: stop delivering it. */
  leave(room: string): void;
  /**
   * Publishes `text` to `room`. Resolves once the bus took it.
   *
   * @throws {ChatBusError} (rejects) `ERR_CHAT_BUS_UNAVAILABLE`, `ERR_CHAT_BUS_UNCONFIRMED`.
   */
  publish(room: string, text: string): Promise<void>;
  /** Stops the bus (connections closed, waiting messages refused). Idempotent. */
  close(): Promise<void>;
}

/** What {@link ChatBus.attach} checks. */
export function attachOnce(current: ChatSink | undefined, sink: ChatSink): ChatSink {
  if (current !== undefined && current !== sink)
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_VALUE',
      'The "chatBus" option is already used by another server (a bus serves one server)',
    );
  return sink;
}

/** One settled promise for every synchronous answer (no allocation per message). */
const DONE: Promise<void> = Promise.resolve();

/**
 * The default bus: one process, the room's members in its memory. A message is numbered and
 * delivered synchronously inside `publish`: one JSON encoding and one `Buffer` per message,
 * sent to every member (O(members)). A room's counter is forgotten when its last member
 * leaves, so a new room starts at 1.
 */
export class InProcessChatBus implements ChatBus {
  readonly kind = 'in-process';
  #sink: ChatSink | undefined;
  /** Last sequence number of each room with members. */
  readonly #seq = new Map<string, number>();

  attach(sink: ChatSink): void {
    this.#sink = attachOnce(this.#sink, sink);
  }

  join(room: string): Promise<void> {
    if (!this.#seq.has(room)) this.#seq.set(room, 0);
    return DONE;
  }

  leave(room: string): void {
    this.#seq.delete(room);
  }

  publish(room: string, text: string): Promise<void> {
    const last = this.#seq.get(room);
    if (last === undefined) return DONE; // no member here: nobody to deliver to
    this.#seq.set(room, last + 1);
    this.#sink?.deliver(room, Buffer.from(chatFrame(room, last + 1, text)));
    return DONE;
  }

  close(): Promise<void> {
    return DONE;
  }
}
