/**
 * What `/chat` says on the wire, as pure functions (no I/O): the client sends plain text
 * messages; the server sends JSON text frames, each with a `type`:
 *
 * - `{"type":"joined","room":"lobby"}`: from now on this connection receives the room's
 *   messages (with a shared bus, once this process subscribed to the room).
 * - `{"type":"chat","room":"lobby","seq":7,"text":"hello"}`: a message of the room. `seq`
 *   counts the room's messages from 1, one counter per room for every process on the bus, in
 *   the order they are delivered: a client that sees 9 after 7 missed one (skipped as a slow
 *   reader here, dropped by Redis, or published while this process was not subscribed). A
 *   `seq` lower than the last one means the counter restarted (the room emptied, or Redis lost
 *   it).
 * - `{"type":"error","room":"lobby","code":"ERR_CHAT_BUS_UNAVAILABLE","message":"…"}`: a message
 *   this connection sent did not reach the bus (see `ChatBusError`).
 */

/** The room of `/chat` without `?room=`. */
export const DEFAULT_ROOM = 'lobby';

/** A room name: 1-64 letters, digits, `-` or `_` (safe in a Redis channel name and in JSON). */
const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** True for a valid room name (see {@link DEFAULT_ROOM}). */
export function isRoomName(room: string): boolean {
  return ROOM_NAME.test(room);
}

/**
 * A chat message from the room name and the text, both already JSON-encoded (`JSON.stringify`),
 * and the sequence number. The Redis bus builds the same string inside Redis (its script
 * concatenates the same pieces), so every bus delivers byte-identical frames.
 */
export function chatFrameFromJson(roomJson: string, seq: number, textJson: string): string {
  return `{"type":"chat","room":${roomJson},"seq":${seq},"text":${textJson}}`;
}

/** `{"type":"chat",…}` for `text`, the `seq`-th message of `room`. */
export function chatFrame(room: string, seq: number, text: string): string {
  return chatFrameFromJson(JSON.stringify(room), seq, JSON.stringify(text));
}

/** `{"type":"joined","room":…}`. */
export function joinedFrame(room: string): string {
  return JSON.stringify({ type: 'joined', room });
}

/** `{"type":"error","room":…,"code":…,"message":…}`. */
export function errorFrame(room: string, code: string, message: string): string {
  return JSON.stringify({ type: 'error', room, code, message });
}

/** The frames a `/chat` client receives, parsed (for clients and tests). */
export type ChatServerFrame =
  | { type: 'joined'; room: string }
  | { type: 'chat'; room: string; seq: number; text: string }
  | { type: 'error'; room: string; code: string; message: string };
