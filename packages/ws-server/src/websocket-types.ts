/** Public types of a `WebSocket` connection: states, options, frame observer records. */
import type { Opcode } from './constants.ts';
import type { Role } from './protocol/frame-decoder.ts';

/** Connection states, numbered like the browser's `WebSocket.readyState`. */
export enum ReadyState {
  CONNECTING = 0,
  OPEN = 1,
  CLOSING = 2,
  CLOSED = 3,
}

/** What the frame observer sees of one frame (the page's frame inspector shows these). */
export interface FrameInfo {
  /** `in`: received from the peer; `out`: sent by us. */
  direction: 'in' | 'out';
  fin: boolean;
  opcode: Opcode;
  masked: boolean;
  /** Payload length in bytes. */
  payloadLength: number;
  /** The first (up to 16) bytes of the unmasked payload (a copy). */
  head: Buffer;
}

/** Options of the `WebSocket` constructor (the server and `connect()` fill them in). */
export interface WebSocketOptions {
  /** `server` (expects masked frames, sends unmasked) or `client` (the reverse). */
  role: Role;
  /** The negotiated subprotocol (`''` when none, like the browser). */
  protocol?: string;
  /** Largest message accepted, in bytes (all fragments together). Default 16 MiB; over it → close 1009. */
  maxPayload?: number;
  /** How long to wait for the peer's close frame / TCP close after sending ours, in ms. Default 5000. */
  closeTimeout?: number;
  /** Bytes that arrived after the handshake, in the same read (node:http's `head`). */
  head?: Buffer;
}

/** Options of `WebSocket.send()`. */
export interface SendOptions {
  /** Send a binary frame. Default: true for buffers, false for strings. */
  binary?: boolean;
  /** False to send a fragment of a message; the next sends continue it until one with fin true. Default true. */
  fin?: boolean;
}
