/**
 * Frame encoder (RFC 6455 §5.2, §5.3): builds the header for 7-bit, 16-bit and 64-bit payload
 * lengths and masks client frames with a fresh random masking key. Pure apart from drawing
 * random bytes.
 */
import { randomFillSync } from 'node:crypto';
import { LENGTH_16, LENGTH_64, MAX_LENGTH_16, type Opcode } from '../constants.ts';
import { applyMask } from './mask.ts';

export interface EncodeOptions {
  /** FIN bit. Default true (the last, or only, frame of a message). */
  fin?: boolean;
  /** Mask the payload (client frames, RFC 6455 §5.3). Default false (server frames). */
  mask?: boolean;
  /** A fixed 4-byte masking key (tests only; default a fresh random key per frame). */
  maskingKey?: Uint8Array;
  /** Set RSV1-3 (tests of the decoder's checks only): a 3-bit value, RSV1 the highest. */
  rsv?: number;
}

/** Unmasked payloads up to this size are copied behind the header: one buffer, one write. */
const MERGE_LIMIT = 4 * 1024;

/** Random masking keys are taken 4 bytes at a time from this pool, refilled when used up. */
const KEY_POOL_SIZE = 8 * 1024;
const keyPool = Buffer.allocUnsafe(KEY_POOL_SIZE);
let keyPoolOffset = KEY_POOL_SIZE;

function nextMaskingKey(): Buffer {
  if (keyPoolOffset === KEY_POOL_SIZE) {
    randomFillSync(keyPool);
    keyPoolOffset = 0;
  }
  const key = keyPool.subarray(keyPoolOffset, keyPoolOffset + 4);
  keyPoolOffset += 4;
  return key;
}

/** Header size in bytes for a payload of `length` bytes. */
export function headerLength(length: number, masked: boolean): number {
  const base = length < LENGTH_16 ? 2 : length <= MAX_LENGTH_16 ? 4 : 10;
  return masked ? base + 4 : base;
}

function writeHeader(
  target: Buffer,
  opcode: Opcode,
  length: number,
  fin: boolean,
  rsv: number,
  maskingKey: Uint8Array | undefined,
): number {
  target[0] = (fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | opcode;
  const maskBit = maskingKey === undefined ? 0 : 0x80;
  let offset: number;
  if (length < LENGTH_16) {
    target[1] = maskBit | length;
    offset = 2;
  } else if (length <= MAX_LENGTH_16) {
    target[1] = maskBit | LENGTH_16;
    target.writeUInt16BE(length, 2);
    offset = 4;
  } else {
    target[1] = maskBit | LENGTH_64;
    target.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    target.writeUInt32BE(length >>> 0, 6);
    offset = 10;
  }
  if (maskingKey !== undefined) {
    target.set(maskingKey.subarray(0, 4), offset);
    offset += 4;
  }
  return offset;
}

/**
 * Encodes one frame. Returns the buffers to write in order: one buffer (header and payload)
 * for small or masked payloads, or `[header, payload]` for large unmasked ones, so a big
 * payload is never copied. The caller's `payload` buffer is never modified (a masked frame
 * gets a masked copy).
 *
 * @param opcode the frame's opcode (callers keep control payloads ≤ 125 bytes).
 * @param payload bytes, or a string encoded as UTF-8.
 */
export function encodeFrame(
  opcode: Opcode,
  payload: Buffer | string,
  options: EncodeOptions = {},
): Buffer[] {
  const fin = options.fin ?? true;
  const rsv = options.rsv ?? 0;
  const maskingKey = options.mask === true ? (options.maskingKey ?? nextMaskingKey()) : undefined;
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const hlen = headerLength(length, maskingKey !== undefined);
  if (maskingKey === undefined && length > MERGE_LIMIT) {
    const header = Buffer.allocUnsafe(hlen);
    writeHeader(header, opcode, length, fin, rsv, undefined);
    return [header, typeof payload === 'string' ? Buffer.from(payload) : payload];
  }
  const frame = Buffer.allocUnsafe(hlen + length);
  const offset = writeHeader(frame, opcode, length, fin, rsv, maskingKey);
  if (typeof payload === 'string') frame.write(payload, offset);
  else payload.copy(frame, offset);
  if (maskingKey !== undefined) applyMask(frame.subarray(offset), maskingKey);
  return [frame];
}
