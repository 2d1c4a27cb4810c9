/**
 * Close frame payloads (RFC 6455 §5.5.1, §7.4): a 2-byte big-endian close code followed by a
 * UTF-8 reason, or nothing at all. Pure.
 */
import { isUtf8 } from 'node:buffer';
import { CloseCode, MAX_CLOSE_REASON } from '../constants.ts';
import { WsArgumentError, WsProtocolError } from '../errors.ts';

/** A parsed close frame. `code` is 1005 (NoStatus) when the payload was empty. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * True for the codes that may appear in a close frame on the wire: 1000-1003, 1007-1011,
 * 1012-1014 (IANA-registered), 3000-4999 (libraries and applications). 1004, 1005, 1006, 1015
 * and everything else are not (RFC 6455 §7.4.1, §7.4.2).
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}

/**
 * Parses and validates a received close payload.
 *
 * @throws {WsProtocolError} `ERR_WS_INVALID_CLOSE_PAYLOAD` (1002) for a 1-byte payload,
 *   `ERR_WS_INVALID_CLOSE_CODE` (1002) for a code not allowed on the wire,
 *   `ERR_WS_INVALID_UTF8` (1007) for a reason that is not UTF-8.
 */
export function parseClosePayload(payload: Buffer): CloseInfo {
  if (payload.length === 0) return { code: CloseCode.NoStatus, reason: '' };
  if (payload.length === 1) {
    throw new WsProtocolError(
      'ERR_WS_INVALID_CLOSE_PAYLOAD',
      CloseCode.ProtocolError,
      'close payload of 1 byte',
    );
  }
  const code = payload.readUInt16BE(0);
  if (!isValidCloseCode(code)) {
    throw new WsProtocolError(
      'ERR_WS_INVALID_CLOSE_CODE',
      CloseCode.ProtocolError,
      `invalid close code ${code}`,
    );
  }
  const reasonBytes = payload.subarray(2);
  if (!isUtf8(reasonBytes)) {
    throw new WsProtocolError(
      'ERR_WS_INVALID_UTF8',
      CloseCode.InvalidPayload,
      'close reason is not valid UTF-8',
    );
  }
  return { code, reason: reasonBytes.toString('utf8') };
}

/**
 * Encodes a close payload. Without a code the payload is empty (and the reason must be too).
 *
 * @throws {WsArgumentError} `ERR_WS_INVALID_CLOSE_CODE` for a code that may not be sent,
 *   `ERR_WS_CLOSE_REASON_TOO_LONG` for a reason over 123 bytes of UTF-8 (or a reason without a code).
 */
export function encodeClosePayload(code?: number, reason = ''): Buffer {
  if (code === undefined) {
    if (reason !== '') {
      throw new WsArgumentError(
        'ERR_WS_CLOSE_REASON_TOO_LONG',
        'a close reason needs a close code',
      );
    }
    return Buffer.alloc(0);
  }
  if (!Number.isInteger(code) || !isValidCloseCode(code)) {
    throw new WsArgumentError('ERR_WS_INVALID_CLOSE_CODE', `close code ${code} may not be sent`);
  }
  const length = Buffer.byteLength(reason);
  if (length > MAX_CLOSE_REASON) {
    throw new WsArgumentError(
      'ERR_WS_CLOSE_REASON_TOO_LONG',
      `close reason is ${length} bytes; at most ${MAX_CLOSE_REASON} fit in a control frame`,
    );
  }
  const payload = Buffer.allocUnsafe(2 + length);
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

/**
 * `reason` cut to the longest prefix that fits a close frame: at most 123 bytes of UTF-8
 * (RFC 6455 §5.5.1), never splitting a character (used for the error message sent when a
 * connection is failed).
 */
export function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON) return reason;
  const bytes = Buffer.from(reason).subarray(0, MAX_CLOSE_REASON + 1);
  let end = MAX_CLOSE_REASON;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1; // back to a character's first byte
  return bytes.subarray(0, end).toString('utf8');
}
