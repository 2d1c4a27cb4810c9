/**
 * Helpers for this package's decoder tests. The ways of cutting a stream (everySplit,
 * byteByByte, chunkAt) come from common/harness.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Decoder } from '../src/framing-stream.ts';

import { byteByByte, chunkAt, everySplit } from 'common/harness';

export { byteByByte, chunkAt, everySplit };

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

/**
 * The chunking battery every decoder passes (STYLE §10): `fixture` decodes to `expected`
 * whole, split at every byte boundary, one byte at a time and in random chunks. Call it inside
 * the decoder's `describe`.
 */
export function itDecodesInAnyChunking(
  make: () => Decoder,
  fixture: Buffer,
  expected: readonly Buffer[],
): void {
  it('decodes the fixture whole', () => {
    expect(decodeAll(make(), [fixture])).toEqual(expected);
  });

  it('decodes it split at every byte boundary (a header or a UTF-8 character split too)', () => {
    for (const chunks of everySplit(fixture)) expect(decodeAll(make(), chunks)).toEqual(expected);
  });

  it('decodes it one byte at a time', () => {
    expect(decodeAll(make(), byteByByte(fixture))).toEqual(expected);
  });

  it('decodes it in random chunks', () => {
    fc.assert(
      fc.property(cutsArb, (cuts) => {
        expect(decodeAll(make(), chunkAt(fixture, cuts))).toEqual(expected);
      }),
    );
  });
}
