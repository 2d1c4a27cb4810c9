/**
 * The cluster primary's side of the `/chat` bus between workers (`--workers N` without
 * `--redis`): workers cannot talk to each other, only to their primary, over the IPC channel
 * `cluster.fork()` opened. So the primary relays, and numbers each room's messages (one
 * counter per room for every worker: it is the one place all of a room's messages pass).
 *
 * The relay knows which workers have members in which room (they say `join`/`leave`) and sends
 * a room's messages only to those. A worker whose IPC channel has more than `chatMaxPending`
 * bytes not yet written misses a message (its members see a gap in `seq`): one stuck worker
 * cannot grow the primary's memory. A room nobody is in any more is forgotten (its counter
 * restarts at 1), so room names from clients cannot grow it either.
 *
 * {@link ChatRelay} is the logic, with the channel injected (tests drive it directly);
 * `relayChatBetweenWorkers()` (`cluster-bus.ts`) wires it to `node:cluster`.
 */
import type { Logger } from 'common';
import { chatFrame, isRoomName } from './messages.ts';

/** Marks the IPC messages of the chat bus among the others on the channel (common's shutdown). */
export const CHAT_IPC = 'netlab:chat';

/** Worker → primary. */
export type ChatToPrimary =
  | { netlab: typeof CHAT_IPC; op: 'join'; room: string; id: number }
  | { netlab: typeof CHAT_IPC; op: 'leave'; room: string }
  | { netlab: typeof CHAT_IPC; op: 'publish'; room: string; text: string };

/** Primary → worker: a join's confirmation, or a room's message as the frame to send. */
export type ChatToWorker =
  | { netlab: typeof CHAT_IPC; op: 'joined'; room: string; id: number }
  | { netlab: typeof CHAT_IPC; op: 'deliver'; room: string; frame: string };

/** True for a message of the chat bus (the channel also carries common's shutdown message). */
export function isChatIpc(message: unknown): message is { netlab: typeof CHAT_IPC; op: unknown } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { netlab?: unknown }).netlab === CHAT_IPC
  );
}

/** Options of {@link ChatRelay}. */
export interface ChatRelayOptions {
  logger: Logger;
  /** Bytes the primary may have queued for one worker before it skips messages to it. */
  chatMaxPending: number;
  /**
   * Sends `message` to worker `worker`; calls `onSent` once it is written to the channel (or
   * with an error). Returns false when that worker is gone (`onSent` is then not called).
   */
  send(worker: number, message: ChatToWorker, onSent: (err: Error | null) => void): boolean;
}

interface Room {
  /** The last sequence number given in this room. */
  seq: number;
  /** Workers with members in it. */
  workers: Set<number>;
}

/** See the module's TSDoc. */
export class ChatRelay {
  readonly #options: ChatRelayOptions;
  readonly #rooms = new Map<string, Room>();
  /** Bytes handed to each worker's channel and not yet written. */
  readonly #pending = new Map<number, number>();
  #skipped = 0;

  constructor(options: ChatRelayOptions) {
    this.#options = options;
  }

  /** Messages not sent to a worker whose channel was backed up. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Rooms with members in some worker. */
  get rooms(): number {
    return this.#rooms.size;
  }

  /** A message from worker `worker`; anything that is not the chat bus's is ignored. */
  receive(worker: number, message: unknown): void {
    if (!isChatIpc(message)) return;
    const m = message as ChatToPrimary;
    if (typeof m.room !== 'string' || !isRoomName(m.room)) return;
    switch (m.op) {
      case 'join': {
        let room = this.#rooms.get(m.room);
        if (room === undefined) {
          room = { seq: 0, workers: new Set() };
          this.#rooms.set(m.room, room);
        }
        room.workers.add(worker);
        this.#send(worker, { netlab: CHAT_IPC, op: 'joined', room: m.room, id: m.id }, 0);
        return;
      }
      case 'leave':
        this.#leave(worker, m.room);
        return;
      case 'publish': {
        const room = this.#rooms.get(m.room);
        if (room === undefined || typeof m.text !== 'string') return; // nobody in it any more
        room.seq += 1;
        const frame = chatFrame(m.room, room.seq, m.text);
        const bytes = Buffer.byteLength(frame);
        for (const w of room.workers) {
          if ((this.#pending.get(w) ?? 0) > this.#options.chatMaxPending) {
            this.#skipped += 1;
            this.#options.logger.debug(
              { worker: w, room: m.room, skipped: this.#skipped },
              'chat relay: skipped a backed-up worker',
            );
            continue;
          }
          this.#send(w, { netlab: CHAT_IPC, op: 'deliver', room: m.room, frame }, bytes);
        }
        return;
      }
    }
  }

  /** Worker `worker` exited: it is in no room any more. */
  workerExited(worker: number): void {
    this.#pending.delete(worker);
    for (const name of [...this.#rooms.keys()]) this.#leave(worker, name);
  }

  #leave(worker: number, name: string): void {
    const room = this.#rooms.get(name);
    if (room === undefined) return;
    room.workers.delete(worker);
    if (room.workers.size === 0) this.#rooms.delete(name);
  }

  /** Sends `message` (`bytes` long) to `worker`, counted as pending until written. */
  #send(worker: number, message: ChatToWorker, bytes: number): void {
    const release = (): void => {
      const left = this.#pending.get(worker);
      if (left !== undefined) this.#pending.set(worker, left - bytes);
    };
    this.#pending.set(worker, (this.#pending.get(worker) ?? 0) + bytes);
    if (!this.#options.send(worker, message, release)) release();
  }
}
