/**
 * Demo `concat` (§6.3.3 正确拼接Buffer): the same bytes, cut into many chunks the way a stream
 * cuts them, turned into one string three ways: `data += chunk` (the book's wrong way: each
 * chunk decoded on its own), a `StringDecoder` feeding `+=`, and collecting the Buffers with
 * their total length for one `Buffer.concat(chunks, total)` and one decode. Correctness on
 * ASCII and on multi-byte (UTF-8 CJK) input, the time of each (median of `runs`) and the memory
 * the result holds after a full GC. Speed claims with contenders alternated live in `pnpm bench`.
 */
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { resolveLimits, type LimitOptions } from 'common';
import { median } from 'common/bench';
import { POEM, REPLACEMENT_CHARACTER } from '../constants.ts';
import { retainedMemory } from '../gc.ts';
import { CONCAT_LIMITS } from '../limits.ts';
import { formatBytes, formatTable } from 'common';

/** A way of turning chunks into a string. */
export interface ConcatStrategy {
  name: string;
  run(chunks: readonly Buffer[]): string;
}

/** The book's way: `data += chunk` calls `chunk.toString()` on each chunk alone. */
export function plusEquals(chunks: readonly Buffer[]): string {
  let data = '';
  for (const chunk of chunks) data += chunk;
  return data;
}

/** `+=` of what a `StringDecoder` returns: a split character is held back until complete. */
export function decoderPlusEquals(chunks: readonly Buffer[]): string {
  const decoder = new StringDecoder('utf8');
  let data = '';
  for (const chunk of chunks) data += decoder.write(chunk);
  return data + decoder.end();
}

/** The book's fix: collect the chunks and their total, one `Buffer.concat`, one decode. */
export function bufferConcat(chunks: readonly Buffer[]): string {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  return Buffer.concat(chunks, total).toString('utf8');
}

export const CONCAT_STRATEGIES: readonly ConcatStrategy[] = [
  { name: 'data += chunk', run: plusEquals },
  { name: 'StringDecoder, +=', run: decoderPlusEquals },
  { name: 'Buffer.concat(chunks, total)', run: bufferConcat },
];

/** One strategy on one input. */
export interface ConcatMeasurement {
  input: 'ascii' | 'utf8-cjk';
  strategy: string;
  correct: boolean;
  replacementCharacters: number;
  /** Median wall time of `runs` runs, in ms. */
  ms: number;
  /**
   * Growth of `heapUsed + external` after a full GC while the result is held, in bytes: a
   * string built with `+=` is a rope (one cons cell per `+=`) until something flattens it.
   */
  retainedBytes: number;
}

/** What {@link concatDemo} returns. */
export interface ConcatResult {
  chunks: number;
  /** Total input bytes (≈ chunks × chunkSize; the chunk lengths differ by at most 1 byte). */
  bytes: number;
  runs: number;
  measurements: ConcatMeasurement[];
}

/** Options of {@link concatDemo}; bounds and defaults in `CONCAT_LIMITS`. */
export type ConcatOptions = LimitOptions<typeof CONCAT_LIMITS>;

/**
 * `text` repeated to at least `chunks × chunkSize` UTF-8 bytes and cut into exactly `chunks`
 * chunks at arbitrary byte offsets (not at character boundaries). Also returns the whole text.
 */
export function cutIntoChunks(
  text: string,
  chunks: number,
  chunkSize: number,
): { text: string; chunks: Buffer[] } {
  const unit = Buffer.byteLength(text, 'utf8');
  const whole = text.repeat(Math.max(1, Math.ceil((chunks * chunkSize) / unit)));
  const bytes = Buffer.from(whole, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < chunks; i += 1) {
    const start = Math.floor((i * bytes.length) / chunks);
    const end = Math.floor(((i + 1) * bytes.length) / chunks);
    // Own memory per chunk, as a stream's chunks have (not views of one big Buffer).
    out.push(Buffer.from(bytes.subarray(start, end)));
  }
  return { text: whole, chunks: out };
}

/**
 * Runs the demo (CPU only, no I/O; forces full GCs).
 *
 * @throws {InvalidArgumentError} `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_TYPE` for a bad option.
 */
export function concatDemo(options: ConcatOptions = {}): ConcatResult {
  const { chunks, chunkSize, runs } = resolveLimits(CONCAT_LIMITS, options);
  const inputs = [
    { input: 'ascii', ...cutIntoChunks('netlab buffer demo\n', chunks, chunkSize) },
    { input: 'utf8-cjk', ...cutIntoChunks(POEM, chunks, chunkSize) },
  ] as const;
  const measurements: ConcatMeasurement[] = [];
  for (const { input, text, chunks: pieces } of inputs) {
    for (const strategy of CONCAT_STRATEGIES) {
      const times: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const start = performance.now();
        strategy.run(pieces);
        times.push(performance.now() - start);
      }
      measurements.push({
        input,
        strategy: strategy.name,
        ...checkAndMeasure(strategy, pieces, text),
        ms: median(times),
      });
    }
  }
  return { chunks, bytes: inputs[1].chunks.reduce((n, c) => n + c.length, 0), runs, measurements };
}

/**
 * One more run, holding its result across a full GC. In a function of its own so that no
 * earlier result is still referenced (from a stack slot of the caller) while measuring.
 */
function checkAndMeasure(
  strategy: ConcatStrategy,
  pieces: readonly Buffer[],
  text: string,
): Pick<ConcatMeasurement, 'correct' | 'replacementCharacters' | 'retainedBytes'> {
  const before = retainedMemory();
  const result = strategy.run(pieces);
  const after = retainedMemory();
  // `external` covers ArrayBuffers and the external strings Node makes for large results.
  const retainedBytes = after.heapUsed + after.external - (before.heapUsed + before.external);
  return {
    correct: result === text,
    replacementCharacters: countReplacements(result),
    retainedBytes: Math.max(0, retainedBytes),
  };
}

function countReplacements(text: string): number {
  let n = 0;
  for (
    let i = text.indexOf(REPLACEMENT_CHARACTER);
    i >= 0;
    i = text.indexOf(REPLACEMENT_CHARACTER, i + 1)
  )
    n += 1;
  return n;
}

/** The demo's text output. */
export function formatConcat(r: ConcatResult): string {
  return [
    `§6.3.3 ${r.chunks.toLocaleString('en-US')} chunks, ${formatBytes(r.bytes)} of input, cut at arbitrary byte offsets; median of ${r.runs} run(s)`,
    '',
    formatTable(
      ['input', 'strategy', 'result', 'U+FFFD', 'ms', 'held after GC'],
      r.measurements.map((m) => [
        m.input,
        m.strategy,
        m.correct ? 'correct' : 'WRONG',
        m.replacementCharacters,
        m.ms,
        formatBytes(m.retainedBytes),
      ]),
    ),
  ].join('\n');
}
