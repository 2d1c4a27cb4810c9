/** Public types of a `WebSocket` connection: states, options, frame observer records. */
import type { ConnectionSettings } from './connection-settings.ts';
import type { Opcode } from './constants.ts';
import type { NegotiatedDeflate } from './deflate/per-message-deflate.ts';
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
  /** RSV1: the first frame of a compressed message (permessage-deflate, RFC 7692 §6). */
  rsv1: boolean;
  opcode: Opcode;
  masked: boolean;
  /** Payload length in bytes, as on the wire (compressed for a frame of a compressed message). */
  payloadLength: number;
  /** For a frame of a compressed message: its payload's size inflated, in bytes. */
  inflatedLength?: number | undefined;
  /** The first (up to 16) bytes of the unmasked payload, inflated if compressed (a copy). */
  head: Buffer;
}

/** Options of the `WebSocket` constructor (the server and `connect()` fill them in). */
export interface WebSocketOptions {
  /** `server` (expects masked frames, sends unmasked) or `client` (the reverse). */
  role: Role;
  /** The negotiated subprotocol (`''` when none, like the browser). */
  protocol?: string;
  /** Largest message accepted, in bytes (all fragments together, inflated). Default 16 MiB; over it → close 1009. */
  maxPayload?: number;
  /** Most frames one message may arrive in. Default 16,384; over it → close 1008. */
  maxFragments?: number;
  /** Most socket reads one incomplete frame may span. Default 32,768; over it → close 1008. */
  maxBufferedChunks?: number;
  /** permessage-deflate as negotiated in the handshake; absent: none. */
  perMessageDeflate?: NegotiatedDeflate | undefined;
  /**
   * Settings shared by many connections, from `connectionSettings(role, limits, monitor)` (the
   * server makes one for all its connections, which then keep a reference instead of copies).
   * When given, `role` must match and the limit options above are not read.
   */
  settings?: ConnectionSettings;
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
