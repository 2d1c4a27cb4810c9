/**
 * The `leak` demo (§5.4 内存泄漏, §5.5 内存泄漏排查): the three leaks of §5.4, each with a fixed
 * variant, detected the two ways that replace the book's memwatch and node-heapdump:
 * - slope: after each of N iterations a forced full GC and `heapUsed`; the least-squares slope
 *   in bytes per iteration with its 95% interval (and the same for `external`). Leaking: the
 *   interval is above 0 and the slope above a threshold.
 * - where: three heap snapshots (baseline, after the run, after a further run), compared:
 *   objects allocated between the first two and alive in the third, by constructor, and the
 *   retainer path of the largest group.
 */
import { isLeaking, linearFit, type LinearFit } from '../analysis/stats.ts';
import {
  diffSnapshots,
  newIds,
  snapshotIds,
  type SnapshotDiff,
  type SurvivorGroup,
} from '../analysis/snapshot-diff.ts';
import { runChild, withTempDir } from '../child/run.ts';
import { SLOPE_CONFIDENCE } from '../constants.ts';
import { ChildProcessError } from '../errors.ts';
import type { LeakResult, LeakSample } from '../experiments/leak.ts';
import {
  LEAK_CASES,
  LEAK_VARIANTS,
  type LeakCaseName,
  type LeakVariant,
} from '../experiments/leak-subjects.ts';
import { readHeapSnapshot } from '../snapshot-file.ts';
import { childOptions, type DemoOptions } from './common.ts';

/** The child's heap: room for 1,000 leaking iterations of ~200 KiB. */
const LEAK_CHILD_FLAGS = ['--expose-gc', '--max-old-space-size=512'];

/** A slope in bytes per iteration with its interval and verdict. */
export interface Slope {
  slopeBytesPerIteration: number;
  ciLow: number;
  ciHigh: number;
  leaking: boolean;
}

/** One case and variant; the first ten fields are the issue's `--json` shape. */
export interface LeakCaseReport {
  name: LeakCaseName;
  variant: LeakVariant;
  iterations: number;
  /** Slope of post-GC `heapUsed`, bytes per iteration. */
  slopeBytesPerIteration: number;
  ciLow: number;
  ciHigh: number;
  /** Heap or external memory leaking (see {@link Slope.leaking}). */
  leaking: boolean;
  /** The constructor of the largest surviving group; null when not leaking or not analysed. */
  growingConstructor: string | null;
  /** Its shortest retainer path from the GC roots; null when not leaking or not analysed. */
  retainerPath: string[] | null;
  /** The same fit for `external` (Buffers and other memory outside the V8 heap). */
  external: Slope;
  /** Items the case held at the end (array length, cache entries, waiting jobs). */
  held: number;
  /** Largest survivor groups of the snapshot diff; null when snapshots were not taken. */
  survivors: SurvivorGroup[] | null;
  samples: LeakSample[];
}

/** The `leak` demo's report (`--json`): the shape plus detail. */
export interface LeakReport {
  demo: 'leak';
  node: string;
  /** Slope above which a case leaks, bytes per iteration. */
  threshold: number;
  /** Confidence level of the intervals. */
  confidence: number;
  cases: LeakCaseReport[];
}

/** Options of {@link runLeakDemo}; counts are iterations, sizes bytes. */
export interface LeakDemoOptions extends DemoOptions {
  cases?: readonly LeakCaseName[] | undefined;
  variants?: readonly LeakVariant[] | undefined;
  iterations: number;
  warmup: number;
  further: number;
  threshold: number;
  maxSnapshotSize: number;
  /** Variants that get the three snapshots. Default both; `[]` skips the "where" analysis. */
  snapshotVariants?: readonly LeakVariant[] | undefined;
  /** Called when a case is done (progress on a terminal). */
  onCase?: ((report: LeakCaseReport) => void) | undefined;
}

/**
 * Runs every case and variant (or those given), one child each, one after the other, and
 * fits, diffs and judges each.
 *
 * @throws {ChildProcessError} `ERR_CHILD_FAILED`, `ERR_CHILD_TIMEOUT`, `ERR_CHILD_ABORTED`.
 * @throws {HeapSnapshotError} `ERR_SNAPSHOT_TOO_LARGE` when a snapshot exceeds `maxSnapshotSize`.
 */
export async function runLeakDemo(opts: LeakDemoOptions): Promise<LeakReport> {
  const cases: LeakCaseReport[] = [];
  for (const name of opts.cases ?? LEAK_CASES) {
    for (const variant of opts.variants ?? LEAK_VARIANTS) {
      const report = await runCase(name, variant, opts);
      cases.push(report);
      opts.onCase?.(report);
    }
  }
  return {
    demo: 'leak',
    node: process.version,
    threshold: opts.threshold,
    confidence: SLOPE_CONFIDENCE,
    cases,
  };
}

/** Whole bytes, and no `-0` (JSON would print it as 0 anyway). */
function whole(x: number): number {
  return Math.round(x) || 0;
}

function slopeOf(xs: number[], ys: number[], threshold: number): Slope & { fit: LinearFit } {
  const fit = linearFit(xs, ys, SLOPE_CONFIDENCE);
  return {
    fit,
    slopeBytesPerIteration: whole(fit.slope),
    ciLow: whole(fit.ciLow),
    ciHigh: whole(fit.ciHigh),
    leaking: isLeaking(fit, threshold),
  };
}

async function runCase(
  name: LeakCaseName,
  variant: LeakVariant,
  opts: LeakDemoOptions,
): Promise<LeakCaseReport> {
  return withTempDir(async (dir) => {
    const snapshots = (opts.snapshotVariants ?? LEAK_VARIANTS).includes(variant);
    const outcome = await runChild({
      ...childOptions(opts, dir),
      experiment: 'leak',
      params: {
        case: name,
        variant,
        warmup: opts.warmup,
        iterations: opts.iterations,
        further: opts.further,
        snapshotDir: snapshots ? dir : null,
      },
      nodeFlags: LEAK_CHILD_FLAGS,
    });
    const result = outcome.result as LeakResult | undefined;
    if (result === undefined) {
      throw new ChildProcessError(
        'ERR_CHILD_FAILED',
        `leak child (${name}, ${variant}) reported nothing`,
        outcome.stderr,
      );
    }
    const xs = result.samples.map((s) => s.iteration);
    const heap = slopeOf(
      xs,
      result.samples.map((s) => s.heapUsed),
      opts.threshold,
    );
    const { fit: _, ...external } = slopeOf(
      xs,
      result.samples.map((s) => s.external),
      opts.threshold,
    );
    const leaking = heap.leaking || external.leaking;
    const where = snapshots ? await whereAnalysis(result.snapshots, opts) : undefined;
    return {
      name,
      variant,
      iterations: result.samples.length,
      slopeBytesPerIteration: heap.slopeBytesPerIteration,
      ciLow: heap.ciLow,
      ciHigh: heap.ciHigh,
      leaking,
      growingConstructor: leaking ? (where?.groups[0]?.constructorName ?? null) : null,
      retainerPath:
        leaking && where !== undefined && where.retainerPath.length > 0 ? where.retainerPath : null,
      external,
      held: result.samples.at(-1)?.held ?? 0,
      survivors: where?.groups ?? null,
      samples: result.samples,
    };
  });
}

async function whereAnalysis(files: readonly string[], opts: LeakDemoOptions) {
  const [first, second, third] = files;
  if (first === undefined || second === undefined || third === undefined) return undefined;
  return diffSnapshotFiles([first, second, third], opts.maxSnapshotSize, opts.signal);
}

/** The `diff` command's report: {@link SnapshotDiff} of three files. */
export interface DiffReport extends SnapshotDiff {
  demo: 'diff';
  files: [string, string, string];
}

/**
 * The three-snapshot diff of three `.heapsnapshot` files of one process, parsed one at a time
 * (one full graph in memory at once).
 *
 * @throws {HeapSnapshotError} for a file over `maxBytes` or not a V8 heap snapshot.
 */
export async function diffSnapshotFiles(
  files: [string, string, string],
  maxBytes: number,
  signal?: AbortSignal,
): Promise<DiffReport> {
  const read = (file: string) => readHeapSnapshot(file, { maxBytes, signal });
  const baseline = snapshotIds(await read(files[0]));
  const allocated = newIds(baseline, snapshotIds(await read(files[1])));
  return { demo: 'diff', files, ...diffSnapshots(allocated, await read(files[2]), { top: 10 }) };
}
