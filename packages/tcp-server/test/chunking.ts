/**
 * Helpers for this package's decoder tests. The ways of cutting a stream (everySplit,
 * byteByByte, chunkAt) come from common/harness.
 */
import fc from 'fast-check';
import type { Decoder } from '../src/framing-stream.ts';

export { byteByByte, chunkAt, everySplit } from 'common/harness';

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
