/** Helpers for decoder tests: the same stream delivered in every way TCP may cut it. */
import fc from 'fast-check';
import type { Decoder } from '../src/framing-stream.ts';

/** `buf` cut at each of `cuts` (any numbers; taken modulo `buf.length + 1`, sorted). */
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

/** Every way of cutting `buf` into two pieces (one per byte boundary, the empty cuts included). */
export function everySplit(buf: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= buf.length; i += 1) out.push([buf.subarray(0, i), buf.subarray(i)]);
  return out;
}

/** `buf` one byte at a time. */
export function byteByByte(buf: Buffer): Buffer[] {
  return [...buf].map((b) => Buffer.from([b]));
}

/** Cut points for fast-check: up to 40 random positions. */
export const cutsArb = fc.array(fc.nat({ max: 1 << 20 }), { maxLength: 40 });

/** Feeds `chunks` to `decoder`, ends it, and returns every message (copied). */
export function decodeAll(decoder: Decoder, chunks: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of chunks) for (const m of decoder.push(chunk)) out.push(Buffer.from(m));
  decoder.end();
  return out;
}

/** Like {@link decodeAll} but returns the messages decoded so far and the error thrown, if any. */
export function decodeUntilError(
  decoder: Decoder,
  chunks: readonly Buffer[],
): { messages: Buffer[]; error: unknown } {
  const messages: Buffer[] = [];
  try {
    for (const chunk of chunks) for (const m of decoder.push(chunk)) messages.push(Buffer.from(m));
    decoder.end();
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: undefined };
}

export const text = (messages: readonly Buffer[]): string[] =>
  messages.map((m) => m.toString('latin1'));
