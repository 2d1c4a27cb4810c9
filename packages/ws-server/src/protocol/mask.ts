/**
 * Masking (RFC 6455 §5.3): `payload[i] ^= maskingKey[i % 4]`. The same operation masks and
 * unmasks. Works word-at-a-time (four bytes per XOR) on the aligned middle of the buffer and
 * byte-at-a-time on the ends.
 */

const scratch = new Uint8Array(4);
const scratchWord = new Uint32Array(scratch.buffer);

/** Payloads shorter than this are masked byte by byte (setting up the word loop costs more). */
const WORD_LOOP_MIN = 32;

/** Key byte `i % 4` of a key held as a big-endian 32-bit number. */
function keyByte(key: number, i: number): number {
  return (key >>> ((3 - (i & 3)) << 3)) & 0xff;
}

/**
 * XORs `buf` in place with the masking key given as a big-endian 32-bit unsigned number (the 4
 * key bytes as they appear in the frame), starting at key byte 0. The decoder reads the key
 * this way, without making a 4-byte view of socket memory per frame.
 *
 * @param buf the payload (modified in place; when it is a view of socket memory, that memory).
 * @param key the masking key, e.g. `0x37fa213d` for the key bytes `37 fa 21 3d`.
 */
export function applyMaskKey(buf: Uint8Array, key: number): void {
  const length = buf.length;
  if (length < WORD_LOOP_MIN) {
    for (let i = 0; i < length; i += 1) buf[i]! ^= keyByte(key, i);
    return;
  }
  // Bytes before the first 4-byte aligned address.
  const head = (4 - (buf.byteOffset & 3)) & 3;
  for (let i = 0; i < head; i += 1) buf[i]! ^= keyByte(key, i);
  // The key rotated so that word 0 of the aligned part starts at key byte `head`.
  for (let i = 0; i < 4; i += 1) scratch[i] = keyByte(key, head + i);
  const keyWord = scratchWord[0]!;
  const words = (length - head) >>> 2;
  const view = new Uint32Array(buf.buffer, buf.byteOffset + head, words);
  for (let i = 0; i < words; i += 1) view[i]! ^= keyWord;
  // Tail: the key index continues from where the aligned part ended.
  for (let i = head + words * 4; i < length; i += 1) buf[i]! ^= keyByte(key, i);
}

/**
 * XORs `buf` in place with the 4-byte `maskingKey`, starting at key byte 0.
 *
 * @param buf the payload (modified in place; when it is a view of socket memory, that memory).
 * @param maskingKey 4 bytes.
 */
export function applyMask(buf: Uint8Array, maskingKey: Uint8Array): void {
  applyMaskKey(
    buf,
    ((maskingKey[0]! << 24) | (maskingKey[1]! << 16) | (maskingKey[2]! << 8) | maskingKey[3]!) >>>
      0,
  );
}
