/**
 * The records `observeFrames` hands out (the page's frame inspector shows them): one per frame
 * received or sent, with the payload's first bytes copied (never a view of socket memory).
 */
import type { Opcode } from './constants.ts';
import type { FrameHeader } from './protocol/frame-decoder.ts';
import type { FrameInfo } from './websocket-types.ts';

/** Payload bytes a {@link FrameInfo} keeps (the inspector shows them in hex). */
const HEAD_BYTES = 16;

function bytesOf(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data) : data;
}

/**
 * A frame received. `payload` is its unmasked payload, or for a frame of a compressed message
 * the first inflated chunk, with `inflatedLength` its inflated size.
 */
export function receivedFrameInfo(
  header: FrameHeader,
  payload: Buffer,
  inflatedLength: number | undefined,
): FrameInfo {
  return {
    direction: 'in',
    fin: header.fin,
    rsv1: header.rsv1,
    opcode: header.opcode,
    masked: header.masked,
    payloadLength: header.payloadLength,
    inflatedLength,
    head: Buffer.from(payload.subarray(0, HEAD_BYTES)),
  };
}

/**
 * A frame sent with `payload` on the wire; `original`: for a frame of a compressed message, its
 * payload before compression (its size and first bytes are reported).
 */
export function sentFrameInfo(
  opcode: Opcode,
  payload: Buffer | string,
  fin: boolean,
  rsv1: boolean,
  masked: boolean,
  original: Buffer | string | undefined,
): FrameInfo {
  const wire = bytesOf(payload);
  const inflated = original === undefined ? undefined : bytesOf(original);
  return {
    direction: 'out',
    fin,
    rsv1,
    opcode,
    masked,
    payloadLength: wire.length,
    inflatedLength: inflated?.length,
    head: Buffer.from((inflated ?? wire).subarray(0, HEAD_BYTES)),
  };
}
