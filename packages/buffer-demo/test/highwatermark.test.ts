import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Teardown } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultHighWaterMarks, formatHighWaterMark, highWaterMarkDemo } from '../src/index.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function tempRoot(): Promise<string> {
  return teardown.add(await mkdtemp(join(tmpdir(), 'buffer-demo-test-')), (dir) =>
    rm(dir, { recursive: true, force: true }),
  );
}

describe('highwatermark (§6.4.1)', () => {
  it('one data event per highWaterMark bytes, chunks of their own memory; the file is removed', async () => {
    const root = await tempRoot();
    const size = 100 * 1024 + 5;
    const progress: number[] = [];
    const r = await highWaterMarkDemo({
      size,
      runs: 2,
      highWaterMarks: [1024, 16 * 1024, 64 * 1024, 1024 * 1024],
      tempRoot: root,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(await readdir(root)).toEqual([]);
    expect(r.rows.map((x) => x.dataEvents)).toEqual([101, 7, 2, 1]);
    expect(r.rows.map((x) => x.largestChunk)).toEqual([1024, 16 * 1024, 64 * 1024, size]);
    expect(r.rows.map((x) => x.chunkArrayBufferBytes)).toEqual([1024, 16 * 1024, 64 * 1024, size]);
    for (const row of r.rows) expect(row.mbPerSecond).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
    expect(formatHighWaterMark(r)).toContain('data events');
  });

  it("reads the running Node's defaults instead of assuming them", async () => {
    const r = await highWaterMarkDemo({
      size: 10,
      runs: 1,
      highWaterMarks: [4],
      tempRoot: await tempRoot(),
    });
    expect(r.rows[0]!.dataEvents).toBe(3);
    expect(r.defaults.fsReadStream).toBe(64 * 1024); // fs.createReadStream: 64 KiB on every Node
    expect(r.defaults).toMatchObject(defaultHighWaterMarks());
    expect([16 * 1024, 64 * 1024]).toContain(r.defaults.stream);
  });

  it('stops and removes the file when aborted', async () => {
    const root = await tempRoot();
    const controller = new AbortController();
    const run = highWaterMarkDemo({
      size: 64 * 1024 * 1024,
      runs: 1,
      highWaterMarks: [1024],
      tempRoot: root,
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 1024 * 1024) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(root)).toEqual([]);
  });

  it('rejects a size of 0', async () => {
    await expect(highWaterMarkDemo({ size: 0 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
  });
});
