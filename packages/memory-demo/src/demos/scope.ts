/**
 * The `scope` demo (§5.3 内存指南): what is released and what is kept, measured. Each step of
 * the child allocates or drops one large array; `heapUsed` after a forced full GC tells whether
 * it is still alive.
 */
import { runChild, withTempDir } from '../child/run.ts';
import type { ScopeStep } from '../experiments/scope.ts';
import { ChildProcessError } from '../errors.ts';
import { formatBytes } from 'common';
import { formatTable } from 'common';
import { childOptions, type DemoOptions } from './common.ts';
import type { BarChartOptions } from 'common/chart';

/** A step with its measured verdict. */
export interface ScopeStepReport extends ScopeStep {
  /** heapUsed minus the baseline's, bytes. */
  delta: number;
  /** Measured: the array counts as alive when the delta is at least half its size. */
  retained: boolean;
}

/** The `scope` demo's report (`--json`). */
export interface ScopeReport {
  demo: 'scope';
  node: string;
  /** Size of the array, bytes. */
  bytes: number;
  steps: ScopeStepReport[];
}

/**
 * Runs the steps in one child with `--expose-gc`; `bytes` is the array size.
 *
 * @throws {ChildProcessError} `ERR_CHILD_FAILED`, `ERR_CHILD_TIMEOUT`, `ERR_CHILD_ABORTED`.
 */
export async function runScopeDemo(opts: DemoOptions & { bytes: number }): Promise<ScopeReport> {
  return withTempDir(async (dir) => {
    const outcome = await runChild({
      ...childOptions(opts, dir),
      experiment: 'scope',
      params: { bytes: opts.bytes },
      nodeFlags: [
        '--expose-gc',
        `--max-old-space-size=${Math.ceil((opts.bytes * 4) / 1048576) + 64}`,
      ],
    });
    const r = outcome.result as { steps: ScopeStep[] } | undefined;
    if (r === undefined) {
      throw new ChildProcessError(
        'ERR_CHILD_FAILED',
        'scope child reported nothing',
        outcome.stderr,
      );
    }
    const baseline = r.steps[0]?.heapUsed ?? 0;
    return {
      demo: 'scope',
      node: process.version,
      bytes: opts.bytes,
      steps: r.steps.map((s) => ({
        ...s,
        delta: s.heapUsed - baseline,
        retained: s.heapUsed - baseline >= opts.bytes / 2,
      })),
    };
  });
}

/** The `scope` demo as a text table. */
export function formatScope(r: ScopeReport): string {
  return [
    `One ${formatBytes(r.bytes)} array per step; heapUsed after a forced full GC:`,
    formatTable(
      [
        { header: 'step' },
        { header: 'code' },
        { header: 'heapUsed Δ', align: 'right' },
        { header: 'array' },
      ],
      r.steps.map((s) => [
        s.step,
        s.code,
        formatBytes(s.delta),
        s.step === 'baseline' ? '' : s.retained ? 'kept alive' : 'released',
      ]),
    ),
    '',
    'Both delete and "= undefined" release a global; the book prefers reassignment (delete can',
    'deoptimise the object). A closure keeps its whole scope alive, even variables it never uses',
    'when a sibling closure does: V8 gives all closures of a scope one shared context.',
  ].join('\n');
}

/** heapUsed above the baseline per step, as bars. */
export function scopeChart(r: ScopeReport): BarChartOptions {
  return {
    title: `heapUsed above baseline after each step, ${formatBytes(r.bytes)} array (Node ${r.node})`,
    axis: 'heapUsed − baseline (MiB)',
    bars: r.steps
      .slice(1)
      .map((s) => ({ label: s.step, value: Math.round((s.delta / 1048576) * 10) / 10 })),
    format: ',.1f',
  };
}
