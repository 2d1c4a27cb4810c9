/**
 * Charts: asciichart in the terminal (live or once), SVG through common's `lineChartSvg`
 * written to the `--out` directory. Vega (behind `common/chart`) is loaded only when an SVG is
 * really written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as asciichart from 'asciichart';
import type { BarChartOptions, LineChartOptions } from 'common/chart';

/** One line of a terminal chart: a name for the legend and its y values, in order. */
export interface AsciiSeries {
  name: string;
  values: readonly number[];
}

const COLOURS = [asciichart.blue, asciichart.red, asciichart.green, asciichart.magenta];
const PLAIN = ['*', '+', 'o', 'x'];

/**
 * A terminal line chart of `series` (same length each, resampled to `width` points), with a
 * legend line. `colour` false for a pipe: asciichart's lines are then told apart only by the
 * legend order, so charts meant for logs should carry one series.
 */
export function asciiChart(
  series: readonly AsciiSeries[],
  opts: { height?: number; width?: number; unit?: string; colour?: boolean } = {},
): string {
  const width = opts.width ?? 72;
  const data = series.map((s) => resample(s.values, width));
  if (data.every((d) => d.length === 0)) return '(no data)';
  const colour = opts.colour ?? false;
  const plot = asciichart.plot(
    data.map((d) => (d.length === 0 ? [0] : d)),
    {
      height: opts.height ?? 12,
      colors: colour ? COLOURS.slice(0, data.length) : [],
      format: (x: number) => `${x.toFixed(1).padStart(8)} ${opts.unit ?? ''}`,
    },
  );
  const legend = series
    .map((s, i) =>
      colour
        ? asciichart.colored(`── ${s.name}`, COLOURS[i % COLOURS.length])
        : `${PLAIN[i % PLAIN.length]} ${s.name}`,
    )
    .join('   ');
  return `${plot}\n${' '.repeat(11)}${legend}`;
}

/** `values` resampled to at most `width` points (each point the mean of its bucket). */
export function resample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let i = 0; i < width; i += 1) {
    const from = Math.floor((i * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((i + 1) * values.length) / width));
    let sum = 0;
    for (let j = from; j < to; j += 1) sum += values[j]!;
    out.push(sum / (to - from));
  }
  return out;
}

/** Writes `chart` as `dir/name.svg` (creating `dir`); resolves with the file's path. */
export async function writeLineChart(
  dir: string,
  name: string,
  chart: LineChartOptions,
): Promise<string> {
  const { lineChartSvg } = await import('common/chart');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.svg`);
  await writeFile(file, await lineChartSvg(chart));
  return file;
}

/** Writes a bar chart as `dir/name.svg`; resolves with the file's path. */
export async function writeBarChart(
  dir: string,
  name: string,
  chart: BarChartOptions,
): Promise<string> {
  const { barChartSvg } = await import('common/chart');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.svg`);
  await writeFile(file, await barChartSvg(chart));
  return file;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of `values` (resampled to `width` characters) on the scale `[lo, hi]`
 * (default: the values' own range): give several sparklines one scale to compare them.
 */
export function sparkline(
  values: readonly number[],
  width = 20,
  scale?: { lo: number; hi: number },
): string {
  const data = resample(values, width);
  if (data.length === 0) return '';
  const lo = scale?.lo ?? Math.min(...data);
  const hi = scale?.hi ?? Math.max(...data);
  if (hi <= lo) return BLOCKS[0]!.repeat(data.length);
  const level = (v: number): number =>
    Math.min(
      BLOCKS.length - 1,
      Math.max(0, Math.round(((v - lo) / (hi - lo)) * (BLOCKS.length - 1))),
    );
  return data.map((v) => BLOCKS[level(v)]).join('');
}
