/**
 * The `usage` demo (§5.1.3): `process.memoryUsage()`, `os.totalmem()/freemem()`,
 * `v8.getHeapStatistics()` and `v8.getHeapSpaceStatistics()`, read in two children: one with
 * Node's default heap limit, one with an explicit `--max-old-space-size`, to show that
 * `heap_size_limit` follows the flag.
 */
import { runChild, withTempDir } from '../child/run.ts';
import type { HeapSpace, UsageResult } from '../experiments/usage.ts';
import type { MemorySample } from '../experiments/heap.ts';
import { ChildProcessError } from '../errors.ts';
import { formatBytes } from 'common';
import { formatTable } from 'common';
import { childOptions, maxOldSpaceFlag, type DemoOptions } from './common.ts';

/** One child's view of its memory. */
export interface UsageRun {
  /** The `--max-old-space-size` it ran with, bytes; null for Node's default. */
  maxOldSpaceSize: number | null;
  execArgv: string[];
  memoryUsage: MemorySample;
  heapSizeLimit: number;
  heapStatistics: Record<string, number>;
  heapSpaces: HeapSpace[];
}

/** The `usage` demo's report (`--json`). */
export interface UsageReport {
  demo: 'usage';
  node: string;
  os: { totalmem: number; freemem: number };
  runs: UsageRun[];
}

/** What each `process.memoryUsage()` field means (Node's docs, §5.1.3). */
export const MEMORY_USAGE_FIELDS: Record<keyof MemorySample, string> = {
  rss: 'resident set size: all the process has in RAM (heap, code, stacks, Buffers, malloc)',
  heapTotal: 'V8 heap reserved (committed) for JavaScript objects',
  heapUsed: 'V8 heap in use by JavaScript objects (live and not yet collected)',
  external:
    'memory outside the V8 heap owned by JS objects (Buffers, ArrayBuffers, strings from C++)',
  arrayBuffers: 'the ArrayBuffer and Buffer part of external (counted in external too)',
};

/**
 * Reads memory in two children: Node's default heap limit, and `heapLimit` bytes.
 *
 * @throws {ChildProcessError} `ERR_CHILD_FAILED`, `ERR_CHILD_TIMEOUT`, `ERR_CHILD_ABORTED`.
 */
export async function runUsageDemo(
  opts: DemoOptions & { heapLimit: number },
): Promise<UsageReport> {
  return withTempDir(async (dir) => {
    const runs: UsageRun[] = [];
    let os: UsageReport['os'] = { totalmem: 0, freemem: 0 };
    for (const limit of [null, opts.heapLimit]) {
      const outcome = await runChild({
        ...childOptions(opts, dir),
        experiment: 'usage',
        params: {},
        nodeFlags: limit === null ? [] : [maxOldSpaceFlag(limit)],
      });
      const r = outcome.result as UsageResult | undefined;
      if (r === undefined) {
        throw new ChildProcessError(
          'ERR_CHILD_FAILED',
          'usage child reported nothing',
          outcome.stderr,
        );
      }
      os = r.os;
      runs.push({
        maxOldSpaceSize: limit,
        execArgv: r.execArgv,
        memoryUsage: r.memoryUsage,
        heapSizeLimit: r.heapStatistics.heap_size_limit ?? 0,
        heapStatistics: r.heapStatistics,
        heapSpaces: r.heapSpaces,
      });
    }
    return { demo: 'usage', node: process.version, os, runs };
  });
}

/** The `usage` demo as text tables with one line of meaning per field. */
export function formatUsage(report: UsageReport): string {
  const run = report.runs.at(-1)!;
  const out: string[] = [];
  out.push(
    `process.memoryUsage() in a child started with ${run.execArgv.join(' ') || 'no flags'}:`,
  );
  out.push(
    formatTable(
      [{ header: 'field' }, { header: 'bytes', align: 'right' }, { header: 'meaning' }],
      Object.entries(MEMORY_USAGE_FIELDS).map(([k, meaning]) => [
        k,
        formatBytes(run.memoryUsage[k as keyof MemorySample]),
        meaning,
      ]),
    ),
  );
  out.push(
    '',
    `os.totalmem() ${formatBytes(report.os.totalmem)}, os.freemem() ${formatBytes(report.os.freemem)}`,
  );
  out.push('', 'v8.getHeapStatistics().heap_size_limit follows --max-old-space-size:');
  out.push(
    formatTable(
      [{ header: 'child flags' }, { header: 'heap_size_limit', align: 'right' }],
      report.runs.map((r) => [
        r.execArgv.join(' ') || '(Node default)',
        formatBytes(r.heapSizeLimit),
      ]),
    ),
  );
  out.push(
    '',
    'v8.getHeapSpaceStatistics() (§5.1.4: new space = young generation, old space = old generation):',
  );
  out.push(
    formatTable(
      [
        { header: 'space' },
        { header: 'size', align: 'right' },
        { header: 'used', align: 'right' },
        { header: 'available', align: 'right' },
        { header: 'physical', align: 'right' },
      ],
      run.heapSpaces.map((s) => [
        s.name,
        formatBytes(s.size),
        formatBytes(s.used),
        formatBytes(s.available),
        formatBytes(s.physical),
      ]),
    ),
  );
  return out.join('\n');
}
