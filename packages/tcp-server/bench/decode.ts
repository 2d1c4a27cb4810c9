/**
 * In-process `length` decoding cases of the tcp-server bench: netlab's LengthPrefixedDecoder
 * vs the seeds' concat decoder vs plain copies of the same chunks, and the splitter the
 * `length` echo uses vs the same copy.
 */
import type { Bench, Metrics } from 'common/bench';
import {
  encodeLengthPrefixed,
  LengthPrefixedDecoder,
  LengthPrefixedSplitter,
} from '../src/index.ts';
import { NaiveLengthDecoder } from './naive.ts';

const KiB = 1024;
const MiB = 1024 * 1024;
/** Times each run goes over its case's stream (~200 MiB of input per run). */
const PASSES = 3;
/** Longest a naive-decoder run may take, in ms; its throughput is measured over what it did. */
const NAIVE_BUDGET_MS = 2_000;

interface DecodeCase {
  name: string;
  frameSize: number;
  chunkSize: number;
  frames: number;
}

const CASES: DecodeCase[] = [
  { name: '64 B frames, 1,500 B chunks', frameSize: 64, chunkSize: 1_500, frames: 500_000 },
  { name: '64 B frames, 64 KiB chunks', frameSize: 64, chunkSize: 64 * KiB, frames: 500_000 },
  { name: '64 KiB frames, 1,500 B chunks', frameSize: 64 * KiB, chunkSize: 1_500, frames: 1_024 },
  { name: '64 KiB frames, 64 KiB chunks', frameSize: 64 * KiB, chunkSize: 64 * KiB, frames: 1_024 },
  { name: '16 MiB frame, 1,500 B chunks', frameSize: 16 * MiB, chunkSize: 1_500, frames: 4 },
];

/** The cases the splitter (the `length` echo's path) is measured on. */
const SPLIT_CASES = [CASES[0]!, CASES[3]!];

/** The stream of `frames` frames, cut into `chunkSize` views (as TCP delivers them). */
function chunked(c: DecodeCase): Buffer[] {
  const payload = Buffer.alloc(c.frameSize, 0x61);
  const frame = encodeLengthPrefixed(payload, { maxPayload: c.frameSize });
  const stream = Buffer.concat(Array.from({ length: c.frames }, () => frame));
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i += c.chunkSize)
    chunks.push(stream.subarray(i, i + c.chunkSize));
  return chunks;
}

/**
 * Runs `work` (which returns the wire bytes it went through) and reports MB/s of wall time and
 * MB per CPU-second (`process.cpuUsage`: every thread of this process, the GC's included).
 */
function measure(work: () => number): Metrics {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const bytes = work();
  const seconds = (performance.now() - start) / 1e3;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { 'MB/s': bytes / 1e6 / seconds, 'MB/CPU-s': bytes / 1e6 / cpuSeconds };
}

function contenders(c: DecodeCase, chunks: Buffer[], total: number) {
  return {
    'netlab decoder': async () =>
      measure(() => {
        let frames = 0;
        for (let pass = 0; pass < PASSES; pass += 1) {
          const decoder = new LengthPrefixedDecoder({ maxPayload: c.frameSize });
          for (const chunk of chunks)
            for (const payload of decoder.push(chunk)) frames += payload.length >= 0 ? 1 : 0;
          decoder.end();
        }
        if (frames !== c.frames * PASSES)
          throw new Error(`netlab decoded ${frames} frames, expected ${c.frames * PASSES}`);
        return total * PASSES;
      }),
    'netlab splitter': async () =>
      measure(() => {
        let bytes = 0;
        for (let pass = 0; pass < PASSES; pass += 1) {
          const splitter = new LengthPrefixedSplitter({ maxPayload: c.frameSize });
          for (const chunk of chunks)
            for (const frames of splitter.push(chunk)) bytes += frames.length;
          splitter.end();
        }
        if (bytes !== total * PASSES) throw new Error(`split ${bytes} bytes of ${total * PASSES}`);
        return bytes;
      }),
    'seeds (concat)': async () =>
      measure(() => {
        const start = performance.now();
        const decoder = new NaiveLengthDecoder();
        let bytes = 0;
        for (const chunk of chunks) {
          decoder.push(chunk, () => {});
          bytes += chunk.length;
          if (performance.now() - start > NAIVE_BUDGET_MS) break;
        }
        return bytes;
      }),
    'Buffer.copy': async () =>
      measure(() => {
        const dest = Buffer.allocUnsafeSlow(Math.max(c.chunkSize, 1 * MiB));
        for (let pass = 0; pass < PASSES; pass += 1) {
          let offset = 0;
          for (const chunk of chunks) {
            if (offset + chunk.length > dest.length) offset = 0;
            offset += chunk.copy(dest, offset);
          }
        }
        return total * PASSES;
      }),
    'copy to new memory': async () =>
      measure(() => {
        let kept = 0;
        for (let pass = 0; pass < PASSES; pass += 1)
          for (const chunk of chunks) {
            const own = Buffer.allocUnsafe(chunk.length);
            kept += chunk.copy(own);
          }
        return kept;
      }),
  };
}

type Contender = keyof ReturnType<typeof contenders>;

/** Every decode case, then the splitter cases. */
export async function decodeBenchmarks(bench: Bench): Promise<void> {
  for (const c of CASES) {
    const chunks = chunked(c);
    const all = contenders(
      c,
      chunks,
      chunks.reduce((n, ch) => n + ch.length, 0),
    );
    // The floor of any decoder that hands out each frame as its own Buffer: only where
    // frames span chunks (elsewhere netlab returns views and copies nothing).
    const names: Contender[] = ['netlab decoder', 'seeds (concat)', 'Buffer.copy'];
    if (c.frameSize >= c.chunkSize) names.push('copy to new memory');
    await bench.compare({
      name: `decode: ${c.name}`,
      primary: 'MB/s',
      ratioMetrics: ['MB/CPU-s'],
      contenders: Object.fromEntries(names.map((n) => [n, all[n]])),
    });
  }
  for (const c of SPLIT_CASES) {
    const chunks = chunked(c);
    const all = contenders(
      c,
      chunks,
      chunks.reduce((n, ch) => n + ch.length, 0),
    );
    await bench.compare({
      name: `split (length echo): ${c.name}`,
      primary: 'MB/s',
      ratioMetrics: ['MB/CPU-s'],
      contenders: { 'netlab splitter': all['netlab splitter'], 'Buffer.copy': all['Buffer.copy'] },
    });
  }
  bench.note(
    `decode: each run feeds prebuilt chunks (views of one stream) to a fresh decoder, ${PASSES} times; MB/s counts wire bytes (header included), ` +
      `MB/CPU-s the same per second of this process's CPU time (all threads, the GC's too; steadier on a shared machine). ` +
      `'Buffer.copy' copies each chunk into one reused 1 MiB buffer (cache-hot memcpy bandwidth). ` +
      `'copy to new memory' copies each chunk into a Buffer.allocUnsafe of its own: the floor for any decoder that hands out a frame spanning chunks ` +
      `as one Buffer the caller may keep (fresh memory is not in the cache; it is written from RAM). ` +
      `The seeds' decoder stops after ${NAIVE_BUDGET_MS} ms and is credited with the bytes it got through (generous: it only gets slower).`,
  );
  bench.note(
    `split: the LengthPrefixedSplitter the \`length\` echo uses (frames handed on as views of the chunks, never assembled), same streams.`,
  );
}
