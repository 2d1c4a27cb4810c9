/**
 * The `stream` demo (§5.6 大内存应用): a file larger than the heap limit, copied by three
 * children under the same small `--max-old-space-size`: `readFile` to a string (dies of the
 * heap limit), `readFile` to a Buffer (works, off-heap, RSS grows by the file), and
 * `pipeline(createReadStream, createWriteStream)` (works, flat memory).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LineChartOptions } from 'common/chart';
import { runChild, withTempDir } from '../child/run.ts';
import { COPY_MODES, type CopyMode, type StreamSample } from '../experiments/stream.ts';
import { formatBytes, formatMs } from 'common';
import { mib } from '../render/format.ts';
import { formatTable } from 'common';
import {
  childOptions,
  exitOf,
  maxOldSpaceFlag,
  outOfMemoryLine,
  peak,
  type ChildExit,
  type DemoOptions,
} from './common.ts';

/** Memory sample period in the children, ms. */
const SAMPLE_MS = 20;
/** The source file is written in chunks of this size, bytes. */
const WRITE_CHUNK = 1024 * 1024;

/** One copy mode's outcome and memory. */
export interface StreamModeReport {
  mode: CopyMode;
  exit: ChildExit;
  /** True when the copy finished and the child exited 0. */
  completed: boolean;
  /** True when V8 aborted the child for its heap limit. */
  outOfMemory: boolean;
  message: string | null;
  /** Copy time, ms; null when it did not finish. */
  durationMs: number | null;
  /** Destination identical to the source (SHA-256); null when the copy did not finish. */
  copyVerified: boolean | null;
  peakRss: number;
  peakHeapUsed: number;
  peakExternal: number;
  samples: StreamSample[];
}

/** The `stream` demo's report (`--json`). */
export interface StreamReport {
  demo: 'stream';
  node: string;
  heapLimit: number;
  fileSize: number;
  modes: StreamModeReport[];
}

/** Writes `size` bytes of ASCII lines to `path`, through a stream (backpressure respected). */
async function writeSourceFile(path: string, size: number, signal?: AbortSignal): Promise<void> {
  const line = Buffer.from('a line of plain ASCII text, repeated to fill the copy demo file\n');
  const chunk = Buffer.alloc(WRITE_CHUNK);
  for (let at = 0; at < WRITE_CHUNK; at += line.length) line.copy(chunk, at);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let left = size; left > 0; left -= WRITE_CHUNK)
      yield chunk.subarray(0, Math.min(left, WRITE_CHUNK));
  }
  await pipeline(Readable.from(chunks()), createWriteStream(path), { signal });
}

async function sha256(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash, { signal });
  return hash.digest('hex');
}

/**
 * Writes a `fileSize`-byte source file in a temporary directory, copies it three ways in
 * children with `--max-old-space-size` = `heapLimit`, and checks each finished copy (SHA-256).
 *
 * @throws {ChildProcessError} `ERR_CHILD_TIMEOUT`, `ERR_CHILD_ABORTED`.
 */
export async function runStreamDemo(
  opts: DemoOptions & { heapLimit: number; fileSize: number },
): Promise<StreamReport> {
  return withTempDir(async (dir) => {
    const source = join(dir, 'source.txt');
    await writeSourceFile(source, opts.fileSize, opts.signal);
    let sourceHash: string | undefined;
    const modes: StreamModeReport[] = [];
    for (const mode of COPY_MODES) {
      const destination = join(dir, `copy-${mode}.txt`);
      const outcome = await runChild({
        ...childOptions(opts, dir),
        experiment: 'stream',
        params: { mode, source, destination, sampleMs: SAMPLE_MS },
        nodeFlags: ['--expose-gc', maxOldSpaceFlag(opts.heapLimit)],
      });
      const samples = outcome.samples as StreamSample[];
      const completed = outcome.code === 0 && outcome.result !== undefined;
      let copyVerified: boolean | null = null;
      if (completed) {
        sourceHash ??= await sha256(source, opts.signal);
        copyVerified =
          (await stat(destination)).size === opts.fileSize &&
          (await sha256(destination, opts.signal)) === sourceHash;
      }
      await rm(destination, { force: true });
      const message = outOfMemoryLine(outcome);
      modes.push({
        mode,
        exit: exitOf(outcome),
        completed,
        outOfMemory: message !== null && !completed,
        message,
        durationMs: completed ? (outcome.result as { durationMs: number }).durationMs : null,
        copyVerified,
        peakRss: peak(samples, (s) => s.rss),
        peakHeapUsed: peak(samples, (s) => s.heapUsed),
        peakExternal: peak(samples, (s) => s.external),
        samples,
      });
    }
    return {
      demo: 'stream',
      node: process.version,
      heapLimit: opts.heapLimit,
      fileSize: opts.fileSize,
      modes,
    };
  });
}

/** The `stream` demo as a text table. */
export function formatStream(r: StreamReport): string {
  return [
    `Copying a ${formatBytes(r.fileSize)} file in children with ${maxOldSpaceFlag(r.heapLimit)}:`,
    formatTable(
      [
        { header: 'mode' },
        { header: 'outcome' },
        { header: 'time', align: 'right' },
        { header: 'peak rss', align: 'right' },
        { header: 'peak heapUsed', align: 'right' },
        { header: 'peak external', align: 'right' },
      ],
      r.modes.map((m) => [
        m.mode,
        m.completed
          ? `copied${m.copyVerified === true ? ', identical' : ', DIFFERENT'}`
          : m.outOfMemory
            ? `heap out of memory (${m.exit.signal ?? `exit ${m.exit.code}`})`
            : `failed (${m.exit.signal ?? `exit ${m.exit.code}`})`,
        m.durationMs === null ? '-' : formatMs(m.durationMs),
        formatBytes(m.peakRss),
        formatBytes(m.peakHeapUsed),
        formatBytes(m.peakExternal),
      ]),
    ),
    '',
    'readFile(…, "utf8") builds one string as large as the file, on the heap: over the limit.',
    'readFile(…) to a Buffer works (off-heap), but holds the whole file: RSS grows by its size.',
    'pipeline(createReadStream, createWriteStream) moves 64 KiB chunks: memory is bounded by how',
    'fast the GC frees used chunks, not by the file size.',
  ].join('\n');
}

/** RSS over time, one line per mode (a mode that died stops where it died). */
export function streamChart(r: StreamReport): LineChartOptions {
  return {
    title: `RSS while copying ${formatBytes(r.fileSize)} under ${maxOldSpaceFlag(r.heapLimit)} (Node ${r.node})`,
    x: { title: 'ms since the copy began' },
    y: { title: 'rss (MiB)' },
    series: r.modes.map((m) => ({
      name: m.completed ? m.mode : `${m.mode} (out of memory)`,
      points: m.samples.map((s) => ({ x: Math.round(s.t), y: mib(s.rss) })),
    })),
  };
}
