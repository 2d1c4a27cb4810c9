import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Teardown } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { formatGarbled, garbledDemo } from '../src/index.ts';

const POEM = '床前明月光，疑是地上霜；举头望明月，低头思故乡。';
const teardown = new Teardown();
afterEach(() => teardown.run());

async function tempRoot(): Promise<string> {
  return teardown.add(await mkdtemp(join(tmpdir(), 'buffer-demo-test-')), (dir) =>
    rm(dir, { recursive: true, force: true }),
  );
}

describe('garbled (§6.3, 《静夜思》 with highWaterMark 11)', () => {
  it('data += chunk yields U+FFFD exactly at the chunk boundaries that cut a character', async () => {
    const root = await tempRoot();
    const r = await garbledDemo({ tempRoot: root });
    expect(await readdir(root)).toEqual([]); // its temporary directory is gone
    expect(r.highWaterMark).toBe(11);
    expect(r.utf8.bytes).toBe(72);
    expect(r.utf8.chunks.map((c) => c.bytes)).toEqual([11, 11, 11, 11, 11, 11, 6]);
    const book = r.utf8.decodings[0]!;
    expect(book).toMatchObject({ method: 'data += chunk (the book)', correct: false });
    expect(book.text).toBe(
      '床前明\uFFFD\uFFFD光，疑\uFFFD\uFFFD\uFFFD地上霜；举头\uFFFD\uFFFD明月，\uFFFD\uFFFD\uFFFD头思故乡。',
    );
    // Boundaries after bytes 33 and 66 fall between characters: those chunks decode cleanly.
    expect(r.utf8.chunks[2]!.decoded).toBe('\uFFFD\uFFFD地上霜');
    expect(r.utf8.chunks[3]!.decoded.startsWith('；')).toBe(true);
  });

  it('each fix restores the poem; StringDecoder holds back the first two bytes of 月', async () => {
    const r = await garbledDemo({ tempRoot: await tempRoot() });
    for (const d of r.utf8.decodings.slice(1))
      expect(d).toMatchObject({ text: POEM, correct: true });
    expect(r.utf8.decodings.map((d) => d.method)).toEqual([
      'data += chunk (the book)',
      "rs.setEncoding('utf8')",
      'StringDecoder',
      'TextDecoder { stream: true }',
      'Buffer.concat(chunks, total)',
    ]);
    expect(Buffer.from('月').toString('hex')).toBe('e69c88');
    expect(r.utf8.stringDecoder[0]).toEqual({ chunk: 0, output: '床前明', heldBack: 'e6 9c' });
    expect(r.utf8.stringDecoder[1]!.output).toBe('月光，疑');
    expect(r.utf8.stringDecoder.at(-1)!.heldBack).toBe('');
  });

  it('GBK: an odd highWaterMark cuts 2-byte characters; concat or a streaming decoder fix it', async () => {
    const r = await garbledDemo({ tempRoot: await tempRoot() });
    expect(r.gbk.bytes).toBe(48);
    const [perChunk, ...fixes] = r.gbk.decodings;
    expect(perChunk!.correct).toBe(false);
    expect(perChunk!.text).not.toBe(POEM);
    for (const d of fixes) expect(d).toMatchObject({ text: POEM, correct: true });
    expect(fixes.map((d) => d.method)).toContain("iconv.getDecoder('gbk') write/end");
    expect(formatGarbled(r)).toContain('|');
  });

  it('removes its files when aborted', async () => {
    const root = await tempRoot();
    const controller = new AbortController();
    controller.abort();
    await expect(garbledDemo({ tempRoot: root, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await readdir(root)).toEqual([]);
  });
});
