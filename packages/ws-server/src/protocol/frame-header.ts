/**
 * The first two bytes of a frame (RFC 6455 §5.2) and every rule that can be checked on them:
 * reserved bits (RSV1 only for permessage-deflate, RFC 7692 §6), reserved opcodes, control
 * frames (§5.5), masking by role (§5.1). Pure.
 */
import { CloseCode, MAX_CONTROL_PAYLOAD, Opcode } from '../constants.ts';
import { WsProtocolError, type WsProtocolErrorCode } from '../errors.ts';

/** Which side of the connection decodes: a server expects masked frames, a client unmasked. */
export type Role = 'server' | 'client';

/** A frame's header fields (RFC 6455 §5.2). `payloadLength` is in bytes. */
export interface FrameHeader {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: Opcode;
  masked: boolean;
  payloadLength: number;
}

function isKnownOpcode(opcode: number): opcode is Opcode {
  return opcode <= Opcode.Binary || (opcode >= Opcode.Close && opcode <= Opcode.Pong);
}

function protocolError(code: WsProtocolErrorCode, message: string): WsProtocolError {
  return new WsProtocolError(code, CloseCode.ProtocolError, message);
}

/**
 * Reads a header from its first two bytes (`payloadLength` is the 7-bit field: 126 and 127
 * announce an extended length) and checks it.
 *
 * @throws {WsProtocolError} (all 1002) `ERR_WS_RESERVED_BITS`, `ERR_WS_RESERVED_OPCODE`,
 *   `ERR_WS_CONTROL_FRAGMENTED`, `ERR_WS_CONTROL_TOO_LONG`, `ERR_WS_EXPECTED_MASK`,
 *   `ERR_WS_UNEXPECTED_MASK`.
 */
export function parseFrameStart(
  b0: number,
  b1: number,
  options: { readonly role: Role; readonly perMessageDeflate?: boolean | undefined },
): FrameHeader {
  const opcode = b0 & 0x0f;
  const header: FrameHeader = {
    fin: (b0 & 0x80) !== 0,
    rsv1: (b0 & 0x40) !== 0,
    rsv2: (b0 & 0x20) !== 0,
    rsv3: (b0 & 0x10) !== 0,
    opcode: opcode as Opcode,
    masked: (b1 & 0x80) !== 0,
    payloadLength: b1 & 0x7f,
  };
  // RFC 6455 §5.2: RSV1-3 MUST be 0 unless a negotiated extension defines them.
  // permessage-deflate defines RSV1, and only on the first frame of a data message (RFC 7692
  // §6: "Per-Message Compressed" bit; a continuation or control frame with it fails).
  if ((b0 & 0x30) !== 0 || (header.rsv1 && options.perMessageDeflate !== true)) {
    throw protocolError(
      'ERR_WS_RESERVED_BITS',
      'RSV1-3 set without a negotiated extension that defines them',
    );
  }
  if (header.rsv1 && (opcode === Opcode.Continuation || opcode >= Opcode.Close)) {
    throw protocolError(
      'ERR_WS_RESERVED_BITS',
      `RSV1 on a ${opcode === Opcode.Continuation ? 'continuation' : 'control'} frame (RFC 7692 §6.1)`,
    );
  }
  if (!isKnownOpcode(opcode)) {
    throw protocolError('ERR_WS_RESERVED_OPCODE', `reserved opcode 0x${opcode.toString(16)}`);
  }
  if (opcode >= Opcode.Close) {
    // RFC 6455 §5.5: control frames are never fragmented and carry at most 125 bytes.
    if (!header.fin) throw protocolError('ERR_WS_CONTROL_FRAGMENTED', 'fragmented control frame');
    if (header.payloadLength > MAX_CONTROL_PAYLOAD) {
      throw protocolError('ERR_WS_CONTROL_TOO_LONG', 'control frame payload over 125 bytes');
    }
  }
  // RFC 6455 §5.1: a client masks every frame; a server masks none.
  if (options.role === 'server' && !header.masked) {
    throw protocolError('ERR_WS_EXPECTED_MASK', 'unmasked client frame');
  }
  if (options.role === 'client' && header.masked) {
    throw protocolError('ERR_WS_UNEXPECTED_MASK', 'masked server frame');
  }
  return header;
}
