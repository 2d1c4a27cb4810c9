import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteByByte, chunkAt, everySplit, randomChunks, seeded, splitAt } from '../src/harness.ts';

const buf = Buffer.from('abcdef');
const joined = (chunks: Buffer[]): string => Buffer.concat(chunks).toString();

describe('chunking helpers', () => {
  it('splitAt and everySplit cover every boundary, empty pieces included', () => {
    expect(splitAt(buf, 0).map(String)).toEqual(['', 'abcdef']);
    const splits = everySplit(buf);
    expect(splits).toHaveLength(7);
    expect(splits.map((s) => s.map(String))).toContainEqual(['abc', 'def']);
    for (const s of splits) expect(joined(s)).toBe('abcdef');
  });

  it('byteByByte gives one-byte views', () => {
    expect(byteByByte(buf).map(String)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('chunkAt and randomChunks never lose, repeat or reorder bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat()),
        fc.nat(),
        (bytes, cuts, seed) => {
          const b = Buffer.from(bytes);
          expect(Buffer.concat(chunkAt(b, cuts)).equals(b)).toBe(true);
          const chunks = randomChunks(b, seeded(seed), 5);
          expect(Buffer.concat(chunks).equals(b)).toBe(true);
          expect(chunks.every((c) => c.length >= 1 && c.length <= 5)).toBe(true);
        },
      ),
    );
  });

  it('seeded is reproducible', () => {
    const a = seeded(42);
    const b = seeded(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
