/**
 * The `gc` demo (§5.1.4 V8的垃圾回收机制, §5.5.1 查看垃圾回收日志): short-lived and long-lived
 * allocation patterns, each in a child with `--trace-gc`, seen two ways: V8's trace lines
 * (summarised by generation) and `PerformanceObserver` `gc` entries.
 */
import { runChild, withTempDir } from '../child/run.ts';
import {
  measuredWindow,
  parseTraceGc,
  summarizePauses,
  summarizeTrace,
  type Generation,
  type PauseSummary,
} from '../analysis/trace-gc.ts';
import { GC_PATTERNS, type GcKindName, type GcPattern, type GcResult } from '../experiments/gc.ts';
import { ChildProcessError } from '../errors.ts';
import { formatBytes, formatMs } from 'common';
import { formatTable } from 'common';
import { childOptions, type DemoOptions } from './common.ts';
import type { LineChartOptions } from 'common/chart';

/** Heap size of the old space must hold every kept object of the long-lived pattern. */
const GC_CHILD_HEAP = '--max-old-space-size=1024';

/** One allocation pattern, seen by `--trace-gc` and by a `PerformanceObserver`. */
export interface GcPatternReport {
  pattern: GcPattern;
  objects: number;
  /** Wall time of the allocation phase, ms. */
  durationMs: number;
  /** From `--trace-gc`: young = Scavenge, old = Mark-Compact (and Mark-Sweep). */
  trace: Record<Generation, PauseSummary>;
  /** From `PerformanceObserver` `gc` entries, by kind. */
  observer: Record<GcKindName, PauseSummary>;
  /** Growth of `old_space` during the phase: objects promoted (晋升) from the new space, bytes. */
  promotedBytes: number;
  /** Heap used after each traced collection: ms since the phase began, MiB. */
  timeline: { t: number; heapMiB: number; generation: Generation }[];
}

/** The `gc` demo's report (`--json`). */
export interface GcReport {
  demo: 'gc';
  node: string;
  /** `--max-semi-space-size` given to the children, bytes; null: V8's default. */
  semiSpace: number | null;
  patterns: GcPatternReport[];
}

/**
 * Runs both patterns, each in a child with `--expose-gc --trace-gc` (and
 * `--max-semi-space-size` when `semiSpace` is given, bytes).
 *
 * @throws {ChildProcessError} `ERR_CHILD_FAILED` when a child reports nothing, or the runner's
 *   `ERR_CHILD_TIMEOUT` / `ERR_CHILD_ABORTED`.
 */
export async function runGcDemo(
  opts: DemoOptions & { objects: number; semiSpace: number | undefined },
): Promise<GcReport> {
  return withTempDir(async (dir) => {
    const patterns: GcPatternReport[] = [];
    for (const pattern of GC_PATTERNS) {
      const outcome = await runChild({
        ...childOptions(opts, dir),
        experiment: 'gc',
        params: { pattern, objects: opts.objects },
        nodeFlags: [
          '--expose-gc',
          '--trace-gc',
          GC_CHILD_HEAP,
          ...(opts.semiSpace === undefined
            ? []
            : [`--max-semi-space-size=${Math.round(opts.semiSpace / (1024 * 1024))}`]),
        ],
      });
      const r = outcome.result as GcResult | undefined;
      if (r === undefined) {
        throw new ChildProcessError(
          'ERR_CHILD_FAILED',
          `gc child (${pattern}) reported nothing`,
          outcome.stderr,
        );
      }
      const window = measuredWindow(parseTraceGc(outcome.stdout));
      const t0 = window[0]?.timeMs ?? 0;
      const byKind = (kind: GcKindName) =>
        summarizePauses(r.observed.filter((o) => o.kind === kind).map((o) => o.durationMs));
      patterns.push({
        pattern,
        objects: r.objects,
        durationMs: r.durationMs,
        trace: summarizeTrace(window),
        observer: {
          minor: byKind('minor'),
          major: byKind('major'),
          incremental: byKind('incremental'),
          weakcb: byKind('weakcb'),
        },
        promotedBytes: Math.max(
          0,
          (r.spacesAfter.old_space ?? 0) - (r.spacesBefore.old_space ?? 0),
        ),
        timeline: window.map((e) => ({
          t: e.timeMs - t0,
          heapMiB: e.afterMiB,
          generation: e.generation,
        })),
      });
    }
    return {
      demo: 'gc',
      node: process.version,
      semiSpace: opts.semiSpace ?? null,
      patterns,
    };
  });
}

/** The `gc` demo as text tables. */
export function formatGc(r: GcReport): string {
  const out: string[] = [];
  const ms = (s: PauseSummary) =>
    s.count === 0 ? '-' : `${formatMs(s.totalPauseMs)} (max ${formatMs(s.maxPauseMs)})`;
  out.push(
    `${r.patterns[0]?.objects.toLocaleString('en-US')} small objects per pattern; --trace-gc lines of the main isolate between two forced gc():`,
  );
  out.push(
    formatTable(
      [
        { header: 'pattern' },
        { header: 'time', align: 'right' },
        { header: 'scavenges', align: 'right' },
        { header: 'scavenge pauses', align: 'right' },
        { header: 'mark-compacts', align: 'right' },
        { header: 'mark-compact pauses', align: 'right' },
        { header: 'promoted', align: 'right' },
      ],
      r.patterns.map((p) => [
        p.pattern,
        formatMs(p.durationMs),
        String(p.trace.young.count),
        ms(p.trace.young),
        String(p.trace.old.count),
        ms(p.trace.old),
        formatBytes(p.promotedBytes),
      ]),
    ),
  );
  out.push('', "The same phases seen by a PerformanceObserver({ entryTypes: ['gc'] }):");
  out.push(
    formatTable(
      [
        { header: 'pattern' },
        { header: 'minor', align: 'right' },
        { header: 'major', align: 'right' },
        { header: 'incremental', align: 'right' },
        { header: 'weakcb', align: 'right' },
      ],
      r.patterns.map((p) => [
        p.pattern,
        `${p.observer.minor.count} / ${formatMs(p.observer.minor.totalPauseMs)}`,
        `${p.observer.major.count} / ${formatMs(p.observer.major.totalPauseMs)}`,
        `${p.observer.incremental.count} / ${formatMs(p.observer.incremental.totalPauseMs)}`,
        `${p.observer.weakcb.count} / ${formatMs(p.observer.weakcb.totalPauseMs)}`,
      ]),
    ),
  );
  out.push(
    '',
    'Short-lived objects die young: only Scavenges, nothing promoted. Kept objects survive two',
    'scavenges, are promoted to the old space and make V8 run Mark-Compact, with longer pauses.',
  );
  return out.join('\n');
}

/** Heap used after each collection, per pattern. */
export function gcChart(r: GcReport): LineChartOptions {
  return {
    title: `Heap after each GC, 2 allocation patterns (Node ${r.node})`,
    x: { title: 'ms since the phase began' },
    y: { title: 'heap used after GC (MiB)' },
    series: r.patterns.map((p) => ({
      name: p.pattern,
      points: p.timeline.map((e) => ({ x: Math.round(e.t), y: e.heapMiB })),
    })),
  };
}
