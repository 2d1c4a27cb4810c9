import { describe, expect, it } from 'vitest';
import {
  bufferConcat,
  concatDemo,
  cutIntoChunks,
  decoderPlusEquals,
  formatConcat,
  plusEquals,
} from '../src/index.ts';

describe('concat (§6.3.3)', () => {
  it('cuts multi-byte text at arbitrary offsets into exactly the asked number of chunks', () => {
    const { text, chunks } = cutIntoChunks('深入浅出', 100, 7);
    expect(chunks).toHaveLength(100);
    expect(Buffer.concat(chunks).toString()).toBe(text);
    expect(chunks.some((c) => c.toString().includes('\uFFFD'))).toBe(true);
  });

  it('+= garbles multi-byte input; StringDecoder and Buffer.concat do not', () => {
    const { text, chunks } = cutIntoChunks('床前明月光', 1_000, 7);
    expect(plusEquals(chunks)).not.toBe(text);
    expect(plusEquals(chunks)).toContain('\uFFFD');
    expect(decoderPlusEquals(chunks)).toBe(text);
    expect(bufferConcat(chunks)).toBe(text);
  });

  it('reports correctness, time and memory per input and strategy', () => {
    const r = concatDemo({ chunks: 2_000, chunkSize: 16, runs: 1 });
    expect(r).toMatchObject({ chunks: 2_000, runs: 1 });
    expect(r.measurements).toHaveLength(6);
    const m = (input: string, strategy: string) =>
      r.measurements.find((x) => x.input === input && x.strategy === strategy)!;
    expect(m('ascii', 'data += chunk').correct).toBe(true);
    expect(m('utf8-cjk', 'data += chunk')).toMatchObject({ correct: false });
    expect(m('utf8-cjk', 'data += chunk').replacementCharacters).toBeGreaterThan(0);
    expect(m('utf8-cjk', 'Buffer.concat(chunks, total)')).toMatchObject({
      correct: true,
      replacementCharacters: 0,
    });
    for (const x of r.measurements) {
      expect(x.ms).toBeGreaterThanOrEqual(0);
      expect(x.retainedBytes).toBeGreaterThanOrEqual(0);
    }
    expect(formatConcat(r)).toContain('WRONG');
  });
});
