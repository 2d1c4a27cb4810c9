/**
 * The same bytes cut the ways TCP may cut them, for decoder tests (STYLE: every decoder is fed
 * its fixtures whole, split at every byte boundary, one byte at a time and in random chunks).
 * Chunks are views of the input, not copies.
 */

/** `buf` cut in two at `index` (either piece may be empty). */
export function splitAt(buf: Buffer, index: number): Buffer[] {
  return [buf.subarray(0, index), buf.subarray(index)];
}

/** Every way of cutting `buf` in two: one split per byte boundary, the empty cuts included. */
export function everySplit(buf: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= buf.length; i += 1) out.push(splitAt(buf, i));
  return out;
}

/** `buf` one byte at a time. */
export function byteByByte(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 1) out.push(buf.subarray(i, i + 1));
  return out;
}

/** `buf` cut at each of `cuts` (any numbers, taken modulo `buf.length + 1`; for fast-check). */
export function chunkAt(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of [...points, buf.length]) {
    if (p > start) chunks.push(buf.subarray(start, p));
    start = Math.max(start, p);
  }
  return chunks;
}

/** `buf` in chunks of 1 to `maxChunk` bytes, sizes drawn from `rand` (see {@link seeded}). */
export function randomChunks(buf: Buffer, rand: () => number, maxChunk = 7): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length;) {
    const n = 1 + Math.floor(rand() * maxChunk);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** A seeded PRNG (mulberry32) in [0, 1): reproducible random chunkings. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
