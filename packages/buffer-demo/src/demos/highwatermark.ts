/**
 * Demo `highwatermark` (§6.4.1 文件读取): a generated file read with `fs.createReadStream` at
 * highWaterMark 1 KiB … 4 MiB: one `data` event (one read into a fresh Buffer) per
 * highWaterMark bytes, and the throughput of each setting. Also what the running Node uses by
 * default (`fs.createReadStream`'s highWaterMark, `stream.getDefaultHighWaterMark`) and what each
 * chunk's memory is (on Node 20 every read gets its own `allocUnsafeSlow(highWaterMark)`; the
 * book's per-stream pool is gone). The file lives in a temporary directory that is removed
 * afterwards, also on error and on abort (Ctrl-C).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as stream from 'node:stream';
import { resolveLimits, type LimitOptions } from 'common';
import { median } from 'common/bench';
import { GENERATE_BLOCK_BYTES, HIGH_WATER_MARKS } from '../constants.ts';
import { HIGHWATERMARK_LIMITS } from '../limits.ts';
import { formatBytes, formatTable } from 'common';
import { withTempDir } from '../temp.ts';

/** One highWaterMark setting: medians over the runs. */
export interface HighWaterMarkRow {
  highWaterMark: number;
  /** `data` events per read of the whole file (= reads that returned bytes). */
  dataEvents: number;
  /** The largest chunk seen, in bytes (= highWaterMark, or the file size if smaller). */
  largestChunk: number;
  /** `chunk.buffer.byteLength` of the first chunk: its own ArrayBuffer, not a pool. */
  chunkArrayBufferBytes: number;
  /** Median wall time of one whole read, in ms. */
  ms: number;
  /** `size / ms`, in MB/s (10⁶ bytes per second). */
  mbPerSecond: number;
}

/** What {@link highWaterMarkDemo} returns. */
export interface HighWaterMarkResult {
  size: number;
  runs: number;
  /** Defaults of the running Node, read at run time. */
  defaults: {
    /** `fs.createReadStream(path).readableHighWaterMark`. */
    fsReadStream: number;
    /** `stream.getDefaultHighWaterMark(false)` (Node ≥ 18.17 / 20), else a new `Readable`'s. */
    stream: number;
    /** `stream.getDefaultHighWaterMark(true)`: objects, not bytes. */
    objectMode: number;
  };
  rows: HighWaterMarkRow[];
}

/** Options of {@link highWaterMarkDemo}; `size` and `runs` bounds in `HIGHWATERMARK_LIMITS`. */
export interface HighWaterMarkOptions extends LimitOptions<typeof HIGHWATERMARK_LIMITS> {
  /** The settings to compare. Default 1 KiB, 4 KiB … 4 MiB. */
  highWaterMarks?: readonly number[];
  /** Called as bytes are written and read: `done` of `total` (for a progress bar). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Where the temporary directory is made. Default the OS temp dir. */
  tempRoot?: string;
}

/**
 * Generates the file, reads it `runs` times at each setting (settings alternated within a run,
 * so drift hits all of them), removes it, and returns the medians.
 *
 * @throws {InvalidArgumentError} for a bad `size` or `runs`; the signal's reason on abort.
 */
export async function highWaterMarkDemo(
  options: HighWaterMarkOptions = {},
): Promise<HighWaterMarkResult> {
  const { size, runs } = resolveLimits(HIGHWATERMARK_LIMITS, options);
  const settings = options.highWaterMarks ?? HIGH_WATER_MARKS;
  const { signal } = options;
  const total = size * (1 + runs * settings.length);
  let done = 0;
  const advance = (bytes: number): void => {
    done += bytes;
    options.onProgress?.(done, total);
  };
  return withTempDir(async (dir) => {
    const path = join(dir, 'generated.bin');
    await generateFile(path, size, advance, signal);
    const samples = settings.map(() => [] as ReadSample[]);
    for (let run = 0; run < runs; run += 1) {
      for (const [i, highWaterMark] of settings.entries()) {
        samples[i]!.push(await readOnce(path, highWaterMark, advance, signal));
      }
    }
    const probe = createReadStream(path);
    const fsReadStream = probe.readableHighWaterMark;
    probe.destroy();
    return {
      size,
      runs,
      defaults: { fsReadStream, ...defaultHighWaterMarks() },
      rows: settings.map((highWaterMark, i) => {
        const s = samples[i]!;
        const ms = median(s.map((x) => x.ms));
        return {
          highWaterMark,
          dataEvents: median(s.map((x) => x.dataEvents)),
          largestChunk: Math.max(...s.map((x) => x.largestChunk)),
          chunkArrayBufferBytes: s[0]!.chunkArrayBufferBytes,
          ms,
          mbPerSecond: size / 1e6 / (ms / 1000),
        };
      }),
    };
  }, options.tempRoot);
}

/** The running Node's default highWaterMarks for byte and object streams. */
export function defaultHighWaterMarks(): { stream: number; objectMode: number } {
  const get = (stream as { getDefaultHighWaterMark?: (objectMode: boolean) => number })
    .getDefaultHighWaterMark;
  if (get !== undefined) return { stream: get(false), objectMode: get(true) };
  return {
    stream: new stream.Readable().readableHighWaterMark,
    objectMode: new stream.Readable({ objectMode: true }).readableHighWaterMark,
  };
}

interface ReadSample {
  dataEvents: number;
  largestChunk: number;
  chunkArrayBufferBytes: number;
  ms: number;
}

async function readOnce(
  path: string,
  highWaterMark: number,
  advance: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<ReadSample> {
  const rs = createReadStream(path, { highWaterMark, ...(signal ? { signal } : {}) });
  let dataEvents = 0;
  let largestChunk = 0;
  let chunkArrayBufferBytes = 0;
  let pending = 0;
  const start = performance.now();
  rs.on('data', (data: string | Buffer) => {
    const chunk = data as Buffer; // no encoding set: always a Buffer
    if (dataEvents === 0) chunkArrayBufferBytes = chunk.buffer.byteLength;
    dataEvents += 1;
    if (chunk.length > largestChunk) largestChunk = chunk.length;
    pending += chunk.length;
    // Report in steps of ≥ 1 MiB: a progress callback per 1 KiB chunk would be measured too.
    if (pending >= GENERATE_BLOCK_BYTES) {
      advance(pending);
      pending = 0;
    }
  });
  await once(rs, 'end');
  const ms = performance.now() - start;
  advance(pending);
  return { dataEvents, largestChunk, chunkArrayBufferBytes, ms };
}

/** Writes `size` bytes of a repeating pattern, 1 MiB at a time, respecting backpressure. */
async function generateFile(
  path: string,
  size: number,
  advance: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const block = Buffer.alloc(Math.min(size, GENERATE_BLOCK_BYTES));
  for (let i = 0; i < block.length; i += 1) block[i] = i % 251; // not all zeros: no sparse file
  async function* blocks(): AsyncGenerator<Buffer> {
    for (let written = 0; written < size; written += block.length) {
      const n = Math.min(block.length, size - written);
      advance(n);
      yield n === block.length ? block : block.subarray(0, n);
    }
  }
  await stream.promises.pipeline(
    blocks(),
    createWriteStream(path),
    ...(signal ? [{ signal }] : []),
  );
}

/** The demo's text output. */
export function formatHighWaterMark(r: HighWaterMarkResult): string {
  return [
    `§6.4.1 fs.createReadStream of a ${formatBytes(r.size)} file (in the page cache after writing), median of ${r.runs} run(s)`,
    `defaults on ${process.version}: fs.createReadStream highWaterMark ${formatBytes(r.defaults.fsReadStream)}, ` +
      `stream.getDefaultHighWaterMark(false) ${formatBytes(r.defaults.stream)}, objectMode ${r.defaults.objectMode} objects`,
    '',
    formatTable(
      ['highWaterMark', 'data events', 'largest chunk', 'chunk ArrayBuffer', 'ms', 'MB/s'],
      r.rows.map((x) => [
        formatBytes(x.highWaterMark),
        x.dataEvents,
        formatBytes(x.largestChunk),
        formatBytes(x.chunkArrayBufferBytes),
        x.ms,
        x.mbPerSecond,
      ]),
    ),
  ].join('\n');
}
