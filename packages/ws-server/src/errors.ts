import { NetlabError } from 'common';
import type { CloseCode } from './constants.ts';

/**
 * A violation of RFC 6455 by the peer, found while decoding frames or messages. The connection
 * maps it to a close frame with {@link WsProtocolError.closeCode} and closes TCP ("fail the
 * WebSocket connection", RFC 6455 §7.1.7).
 *
 * Codes (close code): `ERR_WS_RESERVED_BITS`, `ERR_WS_RESERVED_OPCODE`,
 * `ERR_WS_CONTROL_FRAGMENTED`, `ERR_WS_CONTROL_TOO_LONG`, `ERR_WS_EXPECTED_MASK`,
 * `ERR_WS_UNEXPECTED_MASK`, `ERR_WS_LENGTH_MSB`, `ERR_WS_NON_MINIMAL_LENGTH`,
 * `ERR_WS_UNEXPECTED_CONTINUATION`, `ERR_WS_EXPECTED_CONTINUATION`, `ERR_WS_INVALID_CLOSE_PAYLOAD`,
 * `ERR_WS_INVALID_CLOSE_CODE` (1002); `ERR_WS_INVALID_UTF8` (1007); `ERR_WS_PAYLOAD_TOO_BIG` (1009).
 */
export class WsProtocolError extends NetlabError {
  /** The close code the connection sends when failing because of this error. */
  readonly closeCode: CloseCode;

  constructor(code: string, closeCode: CloseCode, message: string) {
    super(code, message);
    this.closeCode = closeCode;
  }
}

/**
 * A bad opening handshake (RFC 6455 §4.2.1, §4.1). On the server it becomes an HTTP response with
 * {@link HandshakeError.statusCode} (400, 403, 404, 426) and {@link HandshakeError.headers};
 * on the client it rejects `connect()`.
 *
 * Codes: `ERR_WS_BAD_METHOD`, `ERR_WS_BAD_HTTP_VERSION`, `ERR_WS_BAD_UPGRADE`,
 * `ERR_WS_BAD_CONNECTION`, `ERR_WS_BAD_KEY`, `ERR_WS_BAD_VERSION` (426), `ERR_WS_BAD_PROTOCOL`,
 * `ERR_WS_ORIGIN_FORBIDDEN` (403), `ERR_WS_NOT_FOUND` (404), `ERR_WS_UNEXPECTED_RESPONSE`,
 * `ERR_WS_BAD_ACCEPT`, `ERR_WS_BAD_EXTENSION`, `ERR_WS_HANDSHAKE_TIMEOUT`.
 */
export class HandshakeError extends NetlabError {
  /** HTTP status the server answers with (or, on the client, the status it received). */
  readonly statusCode: number;
  /** Extra response headers, e.g. `Sec-WebSocket-Version: 13` with a 426. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: string,
    statusCode: number,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(code, message);
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

/** `send()`/`ping()` on a connection that is not OPEN: `ERR_WS_NOT_OPEN`. */
export class WsStateError extends NetlabError {}

/**
 * A bad argument or option (Node's `ERR_INVALID_ARG_VALUE` convention, a `RangeError`): an
 * option out of range, a close code that may not be sent, a close reason over 123 bytes.
 *
 * Codes: `ERR_INVALID_ARG_VALUE`, `ERR_WS_INVALID_CLOSE_CODE`, `ERR_WS_CLOSE_REASON_TOO_LONG`.
 */
export class InvalidArgumentError extends RangeError {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
    this.code = code;
  }
}
