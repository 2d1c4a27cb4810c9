/**
 * The `limit` demo (§5.1.2 V8的内存限制, §5.6 大内存应用): the book's out-of-memory experiment
 * in a child with a small `--max-old-space-size`, which V8 aborts with "JavaScript heap out of
 * memory"; then, under the same limit, Buffers far beyond it, which live off the heap.
 */
import { runChild, withTempDir } from '../child/run.ts';
import type { LimitSample } from '../experiments/limit-heap.ts';
import { formatBytes } from 'common';
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
import type { LineChartOptions } from 'common/chart';

/** Arrays are allocated in eight steps per heap limit: the crash comes at about step 8. */
const STEPS_PER_LIMIT = 8;
/** Buffers are allocated 16 at a time per `bufferTotal` … at least 1 MiB each. */
const BUFFER_STEPS = 16;

/** The `limit` demo's report (`--json`). */
export interface LimitReport {
  demo: 'limit';
  node: string;
  /** `--max-old-space-size` of both children, bytes. */
  heapLimit: number;
  heap: {
    /** Memory before each array, like the book's `showMem()`. */
    samples: LimitSample[];
    exit: ChildExit;
    /** True when V8 aborted the child for its heap limit. */
    outOfMemory: boolean;
    /** V8's `FATAL ERROR: … JavaScript heap out of memory` line. */
    message: string | null;
    /** Bytes of arrays held when it died. */
    allocatedAtDeath: number;
  };
  buffers: {
    samples: LimitSample[];
    exit: ChildExit;
    /** True when every Buffer was allocated and the child exited 0. */
    completed: boolean;
    allocated: number;
    peakHeapUsed: number;
    peakExternal: number;
    peakRss: number;
  };
}

/**
 * Runs the arrays child (it is expected to die of the heap limit) and the Buffers child,
 * both with `--max-old-space-size` = `heapLimit`; `bufferTotal` bytes of Buffers.
 *
 * @throws {ChildProcessError} `ERR_CHILD_TIMEOUT`, `ERR_CHILD_ABORTED`.
 */
export async function runLimitDemo(
  opts: DemoOptions & { heapLimit: number; bufferTotal: number },
): Promise<LimitReport> {
  return withTempDir(async (dir) => {
    const flags = ['--expose-gc', maxOldSpaceFlag(opts.heapLimit)];
    const heap = await runChild({
      ...childOptions(opts, dir),
      experiment: 'limit-heap',
      params: { stepBytes: Math.ceil(opts.heapLimit / STEPS_PER_LIMIT), maxSteps: 10_000 },
      nodeFlags: flags,
    });
    const heapSamples = heap.samples as LimitSample[];
    const stepBytes = Math.max(1024 * 1024, Math.ceil(opts.bufferTotal / BUFFER_STEPS));
    const buffers = await runChild({
      ...childOptions(opts, dir),
      experiment: 'limit-buffers',
      params: { totalBytes: opts.bufferTotal, stepBytes },
      nodeFlags: flags,
    });
    const bufferSamples = buffers.samples as LimitSample[];
    const message = outOfMemoryLine(heap);
    return {
      demo: 'limit',
      node: process.version,
      heapLimit: opts.heapLimit,
      heap: {
        samples: heapSamples,
        exit: exitOf(heap),
        outOfMemory: message !== null && heap.result === undefined,
        message,
        allocatedAtDeath: heapSamples.at(-1)?.allocated ?? 0,
      },
      buffers: {
        samples: bufferSamples,
        exit: exitOf(buffers),
        completed: buffers.code === 0 && buffers.result !== undefined,
        allocated: bufferSamples.at(-1)?.allocated ?? 0,
        peakHeapUsed: peak(bufferSamples, (s) => s.heapUsed),
        peakExternal: peak(bufferSamples, (s) => s.external),
        peakRss: peak(bufferSamples, (s) => s.rss),
      },
    };
  });
}

function exitText(exit: ChildExit): string {
  return exit.signal === null ? `exit ${exit.code}` : `killed by ${exit.signal}`;
}

/** The `limit` demo as text tables. */
export function formatLimit(r: LimitReport): string {
  const out: string[] = [];
  const cols = [
    { header: 'step', align: 'right' as const },
    { header: 'allocated', align: 'right' as const },
    { header: 'heapUsed', align: 'right' as const },
    { header: 'heapTotal', align: 'right' as const },
    { header: 'external', align: 'right' as const },
    { header: 'rss', align: 'right' as const },
  ];
  const row = (s: LimitSample): string[] => [
    String(s.step),
    formatBytes(s.allocated),
    formatBytes(s.heapUsed),
    formatBytes(s.heapTotal),
    formatBytes(s.external),
    formatBytes(s.rss),
  ];
  out.push(
    `Arrays in a child with ${maxOldSpaceFlag(r.heapLimit)} (the book's showMem before each):`,
  );
  out.push(formatTable(cols, r.heap.samples.map(row)));
  out.push(
    r.heap.outOfMemory
      ? `→ ${exitText(r.heap.exit)} after ${formatBytes(r.heap.allocatedAtDeath)} of arrays: ${r.heap.message}`
      : `→ did not die of the heap limit (${exitText(r.heap.exit)})`,
  );
  out.push('', `Buffers under the same ${maxOldSpaceFlag(r.heapLimit)}:`);
  const b = r.buffers.samples;
  const shown = b.filter((_, i) => i === 0 || i === b.length - 1 || i % 4 === 0);
  out.push(formatTable(cols, shown.map(row)));
  out.push(
    r.buffers.completed
      ? `→ ${formatBytes(r.buffers.allocated)} of Buffers, ${exitText(r.buffers.exit)}: heapUsed stayed at ${formatBytes(r.buffers.peakHeapUsed)}, external reached ${formatBytes(r.buffers.peakExternal)} (off-heap, not counted against the limit; RSS ${formatBytes(r.buffers.peakRss)})`
      : `→ the Buffers did not all fit (${exitText(r.buffers.exit)})`,
  );
  return out.join('\n');
}

/** heapUsed (and external, for Buffers) against bytes allocated, MiB. */
export function limitChart(r: LimitReport): LineChartOptions {
  const pts = (samples: LimitSample[], y: (s: LimitSample) => number) =>
    samples.map((s) => ({ x: mib(s.allocated), y: mib(y(s)) }));
  return {
    title: `Arrays vs Buffers under ${maxOldSpaceFlag(r.heapLimit)} (Node ${r.node})`,
    x: { title: 'allocated by the program (MiB)' },
    y: { title: 'MiB' },
    series: [
      { name: 'arrays: heapUsed (then OOM)', points: pts(r.heap.samples, (s) => s.heapUsed) },
      { name: 'Buffers: heapUsed', points: pts(r.buffers.samples, (s) => s.heapUsed) },
      { name: 'Buffers: external', points: pts(r.buffers.samples, (s) => s.external) },
    ],
  };
}
