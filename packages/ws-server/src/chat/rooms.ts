/**
 * The `/chat` rooms of one server: which of its connections are in which room (a domain index,
 * like the inspectors' map in `endpoints.ts`: "who gets this message" in O(members), not a
 * second registry of connections; an entry leaves with its connection's `close`), and the
 * glue between them and the bus: a member's text goes to `bus.publish`, what the bus delivers
 * goes to the room's members here.
 */
import type { Logger } from 'common';
import { CloseCode } from '../constants.ts';
import { ChatBusError } from '../errors.ts';
import { ReadyState, type WebSocket } from '../websocket.ts';
import type { ChatBus, ChatSink } from './bus.ts';
import { errorFrame, joinedFrame } from './messages.ts';

/** Options of {@link ChatRooms}. */
export interface ChatRoomsOptions {
  bus: ChatBus;
  logger: Logger;
  /** A member with more unflushed bytes than this misses a message (`LIMITS.chatMaxBuffered`). */
  chatMaxBuffered: number;
}

/** See the module's TSDoc. */
export class ChatRooms implements ChatSink {
  readonly #bus: ChatBus;
  readonly #logger: Logger;
  readonly #maxBuffered: number;
  readonly #rooms = new Map<string, Set<WebSocket>>();
  /** Messages not sent to a slow or closing member, since the start. */
  #skipped = 0;

  /** @throws {InvalidArgumentError} `ERR_INVALID_ARG_VALUE` for a bus serving another server. */
  constructor(options: ChatRoomsOptions) {
    this.#bus = options.bus;
    this.#logger = options.logger;
    this.#maxBuffered = options.chatMaxBuffered;
    this.#bus.attach(this);
  }

  /** Messages skipped so far (slow or closing members). */
  get skipped(): number {
    return this.#skipped;
  }

  /**
   * Puts `ws` in `room` until it closes: its text messages are published to the room, a binary
   * one closes it with 1003 (RFC 6455 §7.4.1: "an endpoint that understands only text data"),
   * and it gets `{"type":"joined"}` once the bus delivers the room here.
   */
  join(ws: WebSocket, room: string): void {
    let members = this.#rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.#rooms.set(room, members);
    }
    members.add(ws);
    this.#bus.join(room).then(
      () => {
        if (ws.readyState === ReadyState.OPEN) ws.send(joinedFrame(room));
      },
      (err: unknown) => this.#refused(ws, room, err, 'could not join the room'),
    );
    ws.on('close', () => this.#leave(ws, room));
    ws.on('message', (data: Buffer | string, isBinary: boolean) => {
      if (isBinary) {
        ws.close(CloseCode.UnsupportedData, '/chat takes text messages');
        return;
      }
      this.#bus
        .publish(room, data as string)
        .catch((err: unknown) => this.#refused(ws, room, err, 'message not delivered'));
    });
  }

  /**
   * The bus's delivery: `frame` to every member of `room` here, except one with more than
   * `chatMaxBuffered` bytes unflushed (a slow reader misses the message, and sees the gap in
   * `seq`) so that one slow reader cannot grow server memory.
   */
  deliver(room: string, frame: Buffer): void {
    const members = this.#rooms.get(room);
    if (members === undefined) return;
    for (const ws of members) {
      if (ws.readyState === ReadyState.OPEN && ws.bufferedAmount <= this.#maxBuffered) {
        ws.send(frame, { binary: false });
        continue;
      }
      this.#skipped += 1;
      this.#logger.debug(
        { room, skipped: this.#skipped },
        'chat: skipped a slow or closing member',
      );
    }
  }

  #leave(ws: WebSocket, room: string): void {
    const members = this.#rooms.get(room);
    if (members === undefined || !members.delete(ws) || members.size > 0) return;
    this.#rooms.delete(room);
    this.#bus.leave(room);
  }

  /** A message (or a join) the bus did not take: a log line, and an error frame to the sender. */
  #refused(ws: WebSocket, room: string, err: unknown, what: string): void {
    if (!(err instanceof ChatBusError)) {
      this.#logger.error({ err, room }, 'chat: bus failed');
      return;
    }
    this.#logger.warn(
      { room, code: err.code, bus: this.#bus.kind },
      `chat: ${what}: ${err.message}`,
    );
    if (ws.readyState === ReadyState.OPEN) ws.send(errorFrame(room, err.code, err.message));
  }
}
