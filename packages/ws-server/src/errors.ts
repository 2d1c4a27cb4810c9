/**
 * The package's errors: every one a common `NetlabError` whose `code` is a closed union listed
 * below, plus the protocol field it implies (`closeCode`, `statusCode`). Option errors
 * (`createWsServer({ maxPayload: 0 })`) are common's `InvalidArgumentError` with Node's codes.
 */
import { NetlabError } from 'common';
import type { CloseCode } from './constants.ts';

/** Codes of {@link WsProtocolError}; the close code each one implies is in the class's TSDoc. */
export type WsProtocolErrorCode =
  | 'ERR_WS_RESERVED_BITS'
  | 'ERR_WS_RESERVED_OPCODE'
  | 'ERR_WS_CONTROL_FRAGMENTED'
  | 'ERR_WS_CONTROL_TOO_LONG'
  | 'ERR_WS_EXPECTED_MASK'
  | 'ERR_WS_UNEXPECTED_MASK'
  | 'ERR_WS_LENGTH_MSB'
  | 'ERR_WS_NON_MINIMAL_LENGTH'
  | 'ERR_WS_UNEXPECTED_CONTINUATION'
  | 'ERR_WS_EXPECTED_CONTINUATION'
  | 'ERR_WS_INVALID_CLOSE_PAYLOAD'
  | 'ERR_WS_INVALID_CLOSE_CODE'
  | 'ERR_WS_INVALID_UTF8'
  | 'ERR_WS_INVALID_COMPRESSED'
  | 'ERR_WS_PAYLOAD_TOO_BIG'
  | 'ERR_WS_TOO_MANY_FRAGMENTS'
  | 'ERR_WS_TOO_MANY_CHUNKS'
  | 'ERR_WS_DEFLATE_FAILED';

/**
 * A violation of RFC 6455 by the peer, found while decoding frames or messages. The connection
 * maps it to a close frame with {@link WsProtocolError.closeCode} and closes TCP ("fail the
 * WebSocket connection", RFC 6455 §7.1.7).
 *
 * Codes (close code): `ERR_WS_RESERVED_BITS`, `ERR_WS_RESERVED_OPCODE`,
 * `ERR_WS_CONTROL_FRAGMENTED`, `ERR_WS_CONTROL_TOO_LONG`, `ERR_WS_EXPECTED_MASK`,
 * `ERR_WS_UNEXPECTED_MASK`, `ERR_WS_LENGTH_MSB`, `ERR_WS_NON_MINIMAL_LENGTH`,
 * `ERR_WS_UNEXPECTED_CONTINUATION`, `ERR_WS_EXPECTED_CONTINUATION`, `ERR_WS_INVALID_CLOSE_PAYLOAD`,
 * `ERR_WS_INVALID_CLOSE_CODE` (1002, `ERR_WS_RESERVED_BITS` also for RSV1 where permessage-deflate
 * does not allow it); `ERR_WS_INVALID_UTF8`, `ERR_WS_INVALID_COMPRESSED` (a compressed message
 * that does not inflate) (1007); `ERR_WS_PAYLOAD_TOO_BIG` (1009, also for the inflated size);
 * `ERR_WS_TOO_MANY_FRAGMENTS`, `ERR_WS_TOO_MANY_CHUNKS` (1008, the `maxFragments` and
 * `maxBufferedChunks` limits). One code is local, not the peer's fault: `ERR_WS_DEFLATE_FAILED`
 * (1011, zlib failed to compress an outgoing message).
 */
export class WsProtocolError extends NetlabError<WsProtocolErrorCode> {
  /** The close code the connection sends when failing because of this error. */
  readonly closeCode: CloseCode;

  constructor(code: WsProtocolErrorCode, closeCode: CloseCode, message: string) {
    super(code, message);
    this.closeCode = closeCode;
  }
}

/** Codes of {@link HandshakeError}. */
export type HandshakeErrorCode =
  | 'ERR_WS_BAD_METHOD'
  | 'ERR_WS_BAD_HTTP_VERSION'
  | 'ERR_WS_BAD_UPGRADE'
  | 'ERR_WS_BAD_CONNECTION'
  | 'ERR_WS_BAD_KEY'
  | 'ERR_WS_BAD_VERSION'
  | 'ERR_WS_BAD_PROTOCOL'
  | 'ERR_WS_ORIGIN_FORBIDDEN'
  | 'ERR_WS_NOT_FOUND'
  | 'ERR_WS_SHUTTING_DOWN'
  | 'ERR_WS_UNEXPECTED_RESPONSE'
  | 'ERR_WS_BAD_ACCEPT'
  | 'ERR_WS_BAD_EXTENSION'
  | 'ERR_WS_EXTENSION_DECLINED'
  | 'ERR_WS_HANDSHAKE_TIMEOUT';

/**
 * A bad opening handshake (RFC 6455 §4.2.1, §4.1). On the server it becomes an HTTP response with
 * {@link HandshakeError.statusCode} and {@link HandshakeError.headers}; on the client it rejects
 * `connect()`.
 *
 * Server codes: `ERR_WS_BAD_METHOD`, `ERR_WS_BAD_HTTP_VERSION`, `ERR_WS_BAD_UPGRADE`,
 * `ERR_WS_BAD_CONNECTION`, `ERR_WS_BAD_KEY`, `ERR_WS_BAD_PROTOCOL`, `ERR_WS_BAD_EXTENSION` (a
 * malformed `Sec-WebSocket-Extensions`) (400), `ERR_WS_BAD_VERSION`
 * (426), `ERR_WS_ORIGIN_FORBIDDEN` (403), `ERR_WS_NOT_FOUND` (404), `ERR_WS_SHUTTING_DOWN` (503).
 * Client codes (`statusCode` is the status received, 0 for none): `ERR_WS_UNEXPECTED_RESPONSE`,
 * `ERR_WS_BAD_UPGRADE`, `ERR_WS_BAD_CONNECTION`, `ERR_WS_BAD_ACCEPT`, `ERR_WS_BAD_EXTENSION` (an
 * extension response the offer did not allow), `ERR_WS_EXTENSION_DECLINED` (a required
 * permessage-deflate was not accepted: the client closed with 1010), `ERR_WS_BAD_PROTOCOL`,
 * `ERR_WS_HANDSHAKE_TIMEOUT`.
 */
export class HandshakeError extends NetlabError<HandshakeErrorCode> {
  /** HTTP status the server answers with (or, on the client, the status it received). */
  readonly statusCode: number;
  /** Extra response headers, e.g. `Sec-WebSocket-Version: 13` with a 426. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: HandshakeErrorCode,
    statusCode: number,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(code, message);
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

/** Codes of {@link WsStateError}. */
export type WsStateErrorCode = 'ERR_WS_NOT_OPEN';

/** `send()`, `ping()` or `pong()` on a connection that is not OPEN. Code `ERR_WS_NOT_OPEN`. */
export class WsStateError extends NetlabError<WsStateErrorCode> {}

/** Codes of {@link WsArgumentError}. */
export type WsArgumentErrorCode =
  'ERR_WS_INVALID_CLOSE_CODE' | 'ERR_WS_CLOSE_REASON_TOO_LONG' | 'ERR_WS_CONTROL_TOO_LONG';

/**
 * An argument the protocol cannot put on the wire, passed by the local program (not the peer):
 * `ERR_WS_INVALID_CLOSE_CODE` (a close code that may not be sent, RFC 6455 §7.4.1),
 * `ERR_WS_CLOSE_REASON_TOO_LONG` (a reason over 123 bytes of UTF-8, or a reason without a code,
 * §5.5.1), `ERR_WS_CONTROL_TOO_LONG` (a ping or pong payload over 125 bytes, §5.5).
 */
export class WsArgumentError extends NetlabError<WsArgumentErrorCode> {}

/** Codes of {@link ChatBusError}. */
export type ChatBusErrorCode = 'ERR_CHAT_BUS_UNAVAILABLE' | 'ERR_CHAT_BUS_UNCONFIRMED';

/**
 * A `/chat` message the bus did not take (the sender gets it as a JSON error frame with this
 * code, see `chat/messages.ts`). At most once: the bus never sends a message twice.
 *
 * - `ERR_CHAT_BUS_UNAVAILABLE`: **not published**. The bus was unreachable for
 *   `chatPublishTimeout` ms (Redis down; the message waited and was dropped), more than
 *   `chatMaxPending` bytes were already waiting, Redis refused the command (an error reply),
 *   or the bus is closed. Sending it again cannot duplicate it.
 * - `ERR_CHAT_BUS_UNCONFIRMED`: **handed to Redis, never confirmed**: the connection broke, or
 *   no reply came within `chatPublishTimeout`, after the command was written. Redis may have
 *   published it: look for it in the room (your own messages come back to you) before
 *   sending it again.
 */
export class ChatBusError extends NetlabError<ChatBusErrorCode> {}
