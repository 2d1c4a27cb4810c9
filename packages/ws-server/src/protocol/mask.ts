/**
 * Masking (RFC 6455 §5.3): `payload[i] ^= maskingKey[i % 4]`. The same operation masks and
 * unmasks. Works word-at-a-time (four bytes per XOR) on the aligned middle of the buffer and
 * byte-at-a-time on the ends.
 */

const scratch = new Uint8Array(4);
const scratchWord = new Uint32Array(scratch.buffer);

/** Payloads shorter than this are masked byte by byte (setting up the word loop costs more). */
const WORD_LOOP_MIN = 32;

/**
 * XORs `buf` in place with the 4-byte `maskingKey`, starting at key byte 0.
 *
 * @param buf the payload (modified in place; when it is a view of socket memory, that memory).
 * @param maskingKey 4 bytes.
 */
export function applyMask(buf: Uint8Array, maskingKey: Uint8Array): void {
  const length = buf.length;
  const k0 = maskingKey[0]!;
  const k1 = maskingKey[1]!;
  const k2 = maskingKey[2]!;
  const k3 = maskingKey[3]!;
  if (length < WORD_LOOP_MIN) {
    for (let i = 0; i < length; i += 1) buf[i]! ^= maskingKey[i & 3]!;
    return;
  }
  // Bytes before the first 4-byte aligned address.
  const head = (4 - (buf.byteOffset & 3)) & 3;
  for (let i = 0; i < head; i += 1) buf[i]! ^= maskingKey[i & 3]!;
  // The key rotated so that word 0 of the aligned part starts at key byte `head`.
  scratch[0] = maskingKey[head & 3]!;
  scratch[1] = maskingKey[(head + 1) & 3]!;
  scratch[2] = maskingKey[(head + 2) & 3]!;
  scratch[3] = maskingKey[(head + 3) & 3]!;
  const keyWord = scratchWord[0]!;
  const words = (length - head) >>> 2;
  const view = new Uint32Array(buf.buffer, buf.byteOffset + head, words);
  for (let i = 0; i < words; i += 1) view[i]! ^= keyWord;
  // Tail: the key index continues from where the aligned part ended.
  for (let i = head + words * 4; i < length; i += 1) {
    const k = i & 3;
    buf[i]! ^= k === 0 ? k0 : k === 1 ? k1 : k === 2 ? k2 : k3;
  }
}
