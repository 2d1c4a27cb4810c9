/**
 * What the connections of one server (or of one `connect()`) share: limits, the decoders'
 * option objects and a monitor, built once and kept by reference by every connection instead
 * of copied into each (issue 17: memory per idle connection).
 */
import type { EventEmitter } from 'node:events';
import type { NegotiatedDeflate } from './deflate/per-message-deflate.ts';
import type { WsProtocolError } from './errors.ts';
import type { FrameDecoderOptions, Role } from './protocol/frame-decoder.ts';
import type { MessageAssemblerOptions } from './protocol/message-assembler.ts';

/**
 * Told about every connection's pongs, failures and closes, before the connection's own
 * events: one shared object (the server's) instead of three listeners on every connection,
 * whose event table then stays small (an `EventEmitter` with 5 event names costs ~100 B more
 * than one with 3, measured).
 */
export interface ConnectionMonitor {
  /** `owner` received a pong. */
  onPong(owner: EventEmitter, payload: Buffer): void;
  /** `owner` is being failed because the peer broke the protocol (always; `error` only with a listener). */
  onError(owner: EventEmitter, err: WsProtocolError): void;
  /** `owner` closed (the arguments of its `close` event). */
  onClose(owner: EventEmitter, code: number, reason: string): void;
}

/** Shared settings of many connections; make them with {@link connectionSettings}. */
export interface ConnectionSettings {
  readonly role: Role;
  /** Wait for the peer's close after ours, in ms, then destroy the socket. */
  readonly closeTimeout: number;
  /** The frame decoder's options without and with permessage-deflate. */
  readonly decoder: Readonly<FrameDecoderOptions>;
  readonly deflateDecoder: Readonly<FrameDecoderOptions>;
  readonly assembler: Readonly<MessageAssemblerOptions>;
  readonly monitor: ConnectionMonitor | undefined;
}

/** Resolved limits of a connection (`CONNECTION_LIMITS`), in bytes, counts and ms. */
export interface ConnectionLimits {
  readonly maxPayload: number;
  readonly maxFragments: number;
  readonly maxBufferedChunks: number;
  readonly closeTimeout: number;
}

/** Builds the settings the connections of one server (or client) share. */
export function connectionSettings(
  role: Role,
  limits: ConnectionLimits,
  monitor?: ConnectionMonitor,
): ConnectionSettings {
  const { maxPayload, maxFragments, maxBufferedChunks, closeTimeout } = limits;
  const decoder = { role, maxPayload, maxBufferedChunks, perMessageDeflate: false };
  return Object.freeze({
    role,
    closeTimeout,
    decoder: Object.freeze(decoder),
    deflateDecoder: Object.freeze({ ...decoder, perMessageDeflate: true }),
    assembler: Object.freeze({ maxPayload, maxFragments }),
    monitor,
  });
}

/** What one {@link Connection} gets: the shared settings and its own handshake's results. */
export interface ConnectionOptions {
  readonly settings: ConnectionSettings;
  /** The negotiated subprotocol, `''` when none. */
  readonly protocol: string;
  /** permessage-deflate as negotiated, when it was. */
  readonly perMessageDeflate: NegotiatedDeflate | undefined;
  /** Bytes that arrived with the handshake (node:http's `head`), decoded first. */
  readonly head: Buffer | undefined;
}
