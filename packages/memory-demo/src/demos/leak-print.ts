/** The `leak` demo's table, retainer paths and chart. */
import type { LineChartOptions } from 'common/chart';
import { formatBytes } from 'common';
import { mib } from '../render/format.ts';
import { sparkline } from '../render/chart.ts';
import { formatTable } from 'common';
import type { DiffReport, LeakCaseReport, LeakReport } from './leak.ts';

/** Retainer path steps shown in the text output (the JSON has them all). */
const PATH_TAIL = 6;

function perIteration(bytes: number): string {
  return `${formatBytes(bytes)}/it`;
}

/** Growth of post-GC heapUsed since the first iteration, bytes. */
function growth(c: LeakCaseReport): number[] {
  const first = c.samples[0]?.heapUsed ?? 0;
  return c.samples.map((s) => s.heapUsed - first);
}

/**
 * One table line for a case (printed as each case finishes, then in the full table). The
 * sparkline shows heapUsed growth since iteration 1 on the scale `[0, scaleMax]` bytes, the
 * same for every row, so a fixed case draws flat next to a leak.
 */
export function leakRow(c: LeakCaseReport, scaleMax: number): string[] {
  return [
    c.name,
    c.variant,
    perIteration(c.slopeBytesPerIteration),
    `[${formatBytes(c.ciLow)}, ${formatBytes(c.ciHigh)}]`,
    perIteration(c.external.slopeBytesPerIteration),
    sparkline(growth(c), 16, { lo: 0, hi: scaleMax }),
    String(c.held),
    c.leaking ? 'LEAKING' : 'ok',
    c.growingConstructor ?? (c.survivors === null ? '(no snapshots)' : '-'),
  ];
}

/** A sparkline scale for a set of cases: the largest growth, at least `threshold` per iteration. */
export function sparkScale(cases: readonly LeakCaseReport[], threshold: number): number {
  const iterations = Math.max(1, ...cases.map((c) => c.iterations));
  return Math.max(threshold * iterations, ...cases.map((c) => Math.max(...growth(c))));
}

/** Columns of the `leak` table. */
export const LEAK_COLUMNS = [
  { header: 'case' },
  { header: 'variant' },
  { header: 'heap slope', align: 'right' as const },
  { header: '95% interval', align: 'right' as const },
  { header: 'external', align: 'right' as const },
  { header: 'heapUsed growth' },
  { header: 'held', align: 'right' as const },
  { header: 'verdict' },
  { header: 'growing' },
];

/** The `leak` demo as a table plus the retainer path of each leak. */
export function formatLeak(r: LeakReport): string {
  const out = [
    `${r.cases[0]?.iterations ?? 0} iterations per case, each followed by a full GC; leaking = the`,
    `slope's ${r.confidence * 100}% interval is above 0 and the slope above ${formatBytes(r.threshold)} per iteration.`,
    '',
    formatTable(
      LEAK_COLUMNS,
      r.cases.map((c) => leakRow(c, sparkScale(r.cases, r.threshold))),
    ),
  ];
  for (const c of r.cases) {
    if (c.retainerPath === null) continue;
    const path = c.retainerPath;
    const shown = path.length > PATH_TAIL ? ['…', ...path.slice(-PATH_TAIL)] : path;
    const top = c.survivors?.[0];
    out.push(
      '',
      `${c.name} (${c.variant}): ${top?.count ?? 0} ${c.growingConstructor} objects allocated after snapshot 1`,
      `  still alive at snapshot 3, retaining ${formatBytes(top?.retainedSize ?? 0)}; shortest retainer path:`,
      `  ${shown.join(' → ')}`,
    );
  }
  return out.join('\n');
}

/** Post-GC heapUsed per iteration, one line per case and variant. */
export function leakChart(r: LeakReport): LineChartOptions {
  return {
    title: `heapUsed after a full GC, per iteration (Node ${r.node})`,
    x: { title: 'iteration' },
    y: { title: 'heapUsed (MiB)' },
    series: r.cases.map((c) => ({
      name: `${c.name} ${c.variant}`,
      points: c.samples.map((s) => ({ x: s.iteration, y: mib(s.heapUsed) })),
    })),
    width: 560,
    height: 280,
  };
}

/** The `diff` command's text: survivor groups and the top group's retainer path. */
export function formatDiff(r: DiffReport): string {
  const out = [
    `${r.survivorCount} objects (${formatBytes(r.survivorBytes)}) allocated between snapshots 1 and 2 are alive in 3.`,
    'By constructor (JavaScript objects only), largest retained size first:',
    formatTable(
      [
        { header: 'constructor' },
        { header: 'count', align: 'right' },
        { header: 'self size', align: 'right' },
        { header: 'retained', align: 'right' },
      ],
      r.groups.map((g) => [
        g.constructorName,
        String(g.count),
        formatBytes(g.selfSize),
        formatBytes(g.retainedSize),
      ]),
    ),
  ];
  if (r.retainerPath.length > 0) {
    out.push(
      '',
      `Shortest retainer path of the largest ${r.groups[0]?.constructorName}:`,
      `  ${r.retainerPath.join(' → ')}`,
    );
  }
  return out.join('\n');
}
