/**
 * How the CLI shows a demo's report: one JSON object (`--json`), or text; plus SVG charts in
 * `--out DIR`, their paths printed (on stderr under `--json`, so stdout stays one object).
 */
import { limitsHelp, type LimitTable } from 'common';
import type { BarChartOptions, LineChartOptions } from 'common/chart';
import { DEMOS } from './demos/index.ts';
import { asciiChart, writeBarChart, writeLineChart } from './render/chart.ts';
import { formatBytes, formatMs } from 'common';
import { mib } from './render/format.ts';
import { formatTable } from 'common';
import type { RedisStoreStats } from './cache.ts';
import type { LoadReport, LoadSample } from './load.ts';

/** A chart a demo offers: a line chart or a bar chart, written as `name.svg`. */
export type ChartSpec =
  { name: string; line: LineChartOptions } | { name: string; bar: BarChartOptions };

/** `--json` and `--out` of a command. */
export interface OutputOptions {
  json: boolean;
  /** Directory for SVG charts; undefined: none written. */
  out: string | undefined;
}

/** Prints the report (JSON or `text()`) and writes the charts. */
export async function emit(
  report: object,
  text: () => string,
  charts: readonly ChartSpec[],
  opts: OutputOptions,
): Promise<void> {
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${text()}\n`);
  if (opts.out === undefined) return;
  for (const chart of charts) {
    const file =
      'line' in chart
        ? await writeLineChart(opts.out, chart.name, chart.line)
        : await writeBarChart(opts.out, chart.name, chart.bar);
    (opts.json ? process.stderr : process.stdout).write(`chart: ${file}\n`);
  }
}

/** A terminal chart of a line chart's series (y values in order), for text output. */
export function asciiOf(chart: LineChartOptions, colour: boolean): string {
  return asciiChart(
    chart.series.map((s) => ({ name: s.name, values: s.points.map((p) => p.y) })),
    { colour, height: 10, unit: '' },
  );
}

/** Redis's `used_memory` in a sample, bytes; 0 without the Redis cache or while it is unreachable. */
const redisMemory = (s: LoadSample): number => s.metrics.caches.fixed.redis?.usedMemory ?? 0;

/**
 * The `load` command's screen: both caches over time (and Redis's memory, with the Redis
 * cache), and the process's memory now.
 */
export function loadScreen(samples: readonly LoadSample[], colour: boolean): string {
  const last = samples.at(-1);
  if (last === undefined) return '';
  const m = last.metrics.memory;
  const { leak, fixed } = last.metrics.caches;
  const series = [
    { name: '/leak cache (MiB)', values: samples.map((s) => mib(s.metrics.caches.leak.bytes)) },
    { name: '/fixed cache (MiB)', values: samples.map((s) => mib(s.metrics.caches.fixed.bytes)) },
    { name: 'heapUsed (MiB)', values: samples.map((s) => mib(s.metrics.memory.heapUsed)) },
  ];
  if (fixed.redis !== undefined)
    series.push({
      name: 'Redis used_memory (MiB)',
      values: samples.map((s) => mib(redisMemory(s))),
    });
  return [
    asciiChart(series, { colour, height: 12, unit: 'MiB' }),
    `${formatMs(last.t)}  ${last.requests} requests (${last.errors} failed)`,
    `/leak  ${leak.entries} entries, ${formatBytes(leak.bytes)}     /fixed (${fixed.kind})  ${fixed.entries} entries, ${formatBytes(fixed.bytes)}${fixed.redis === undefined ? `, ${fixed.evictions} evicted` : ' in this process'}`,
    ...(fixed.redis === undefined ? [] : [redisLine(fixed.redis)]),
    `rss ${formatBytes(m.rss)}  heapUsed ${formatBytes(m.heapUsed)}  external ${formatBytes(m.external)}  rss − heap ${formatBytes(m.rssMinusHeap)}`,
  ].join('\n');
}

function redisLine(redis: RedisStoreStats): string {
  if (!redis.connected || redis.usedMemory === null || redis.keys === null)
    return 'Redis  unreachable (reconnecting; /fixed is answered without the cache)';
  return `Redis  ${redis.keys} keys under the prefix, used_memory ${formatBytes(redis.usedMemory)}`;
}

/** Both caches and the process memory over time, for the README. */
export function loadChart(r: LoadReport): LineChartOptions {
  const pts = (y: (s: LoadSample) => number) =>
    r.samples.map((s) => ({ x: Math.round(s.t / 100) / 10, y: mib(y(s)) }));
  return {
    title: `memory-demo server under load: /leak vs /fixed (${r.samples.at(-1)?.metrics.caches.fixed.kind ?? 'lru'})`,
    x: { title: 'seconds' },
    y: { title: 'MiB' },
    series: [
      { name: '/leak cache', points: pts((s) => s.metrics.caches.leak.bytes) },
      { name: '/fixed cache', points: pts((s) => s.metrics.caches.fixed.bytes) },
      { name: 'rss', points: pts((s) => s.metrics.memory.rss) },
      { name: 'heapUsed', points: pts((s) => s.metrics.memory.heapUsed) },
      ...(r.samples.some((s) => s.metrics.caches.fixed.redis !== undefined)
        ? [{ name: 'Redis used_memory', points: pts(redisMemory) }]
        : []),
    ],
    width: 560,
    height: 280,
  };
}

/** `--help` of a demo: its summary, the output flags, `extra` lines and its limits. */
export function demoUsage(program: string, demo: string, table: LimitTable, extra = ''): string {
  const info = DEMOS.find((d) => d.name === demo);
  return `usage: ${program} ${demo} [--json] [--out DIR] [options]

${info?.summary ?? ''} (${info?.section ?? ''})
  --json                   print one JSON object instead of tables
  --out DIR                write SVG charts into DIR
${extra}${limitsHelp(table)}
`;
}

/** What the CLI prints with no argument. */
export function demoList(program: string): string {
  return `usage: ${program} <demo> [options]   (深入浅出Node.js ch. 5 内存控制)

${formatTable(
  [{ header: 'demo' }, { header: 'book' }, { header: 'what it shows' }],
  DEMOS.map((d) => [d.name, d.section, d.summary]),
)}

${program} <demo> --help for its options. Every experiment runs in a child process with explicit
V8 flags; temporary files are removed, also on Ctrl-C.
`;
}
