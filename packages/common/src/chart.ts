/**
 * SVG charts for demos and READMEs (`common/chart`), drawn with Vega (the same library as the
 * bench report) and rendered headless: no canvas, no browser. Import this entry only where a
 * chart is drawn: Vega is large, and nothing else in common loads it.
 */
import * as vega from 'vega';

/** One line of a {@link lineChartSvg}. */
export interface LineSeries {
  name: string;
  points: readonly { x: number; y: number }[];
}

/** An axis: its title (with the unit, e.g. `heapUsed (MiB)`) and an optional log scale. */
export interface ChartAxis {
  title: string;
  /** Logarithmic scale (for ranges such as 1 KiB … 4 MiB). Default false. */
  log?: boolean;
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  title: string;
  x: ChartAxis;
  y: ChartAxis;
  series: readonly LineSeries[];
  /** Plot size in px. Default 480 × 240. */
  width?: number;
  height?: number;
}

/** A line chart, one coloured line (with points) per series and a legend. Resolves with SVG text. */
export async function lineChartSvg(opts: LineChartOptions): Promise<string> {
  const values = opts.series.flatMap((s) =>
    s.points.map((p) => ({ series: s.name, x: p.x, y: p.y })),
  );
  const spec: vega.Spec = {
    width: opts.width ?? 480,
    height: opts.height ?? 240,
    padding: 8,
    title: { text: opts.title, fontSize: 12 },
    data: [{ name: 'points', values }],
    scales: [
      axisScale('x', opts.x, 'width'),
      axisScale('y', opts.y, 'height'),
      {
        name: 'colour',
        type: 'ordinal',
        domain: { data: 'points', field: 'series' },
        range: 'category',
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: opts.x.title, tickCount: 8 },
      { orient: 'left', scale: 'y', title: opts.y.title, tickCount: 6, grid: true },
    ],
    legends: [{ fill: 'colour', stroke: 'colour', title: '', orient: 'top-left', labelLimit: 0 }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'line', data: 'points', groupby: 'series' } },
        marks: [
          {
            type: 'line',
            from: { data: 'line' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'x' },
                y: { scale: 'y', field: 'y' },
                stroke: { scale: 'colour', field: 'series' },
                strokeWidth: { value: 2 },
              },
            },
          },
          {
            type: 'symbol',
            from: { data: 'line' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'x' },
                y: { scale: 'y', field: 'y' },
                fill: { scale: 'colour', field: 'series' },
                size: { value: 18 },
              },
            },
          },
        ],
      },
    ],
  };
  return render(spec);
}

/** Options of {@link barChartSvg}. */
export interface BarChartOptions {
  title: string;
  /** The value axis' title, with the unit. */
  axis: string;
  bars: readonly { label: string; value: number }[];
  /** d3 format of the value printed after each bar. Default `,.3~r`. */
  format?: string;
  width?: number;
}

/** A horizontal bar chart, one bar per label, its value printed after it. Resolves with SVG text. */
export async function barChartSvg(opts: BarChartOptions): Promise<string> {
  const max = Math.max(0, ...opts.bars.map((b) => b.value));
  const spec: vega.Spec = {
    width: opts.width ?? 420,
    height: Math.max(60, opts.bars.length * 22),
    padding: 8,
    title: { text: opts.title, fontSize: 12 },
    data: [{ name: 'bars', values: opts.bars.map((b) => ({ ...b })) }],
    scales: [
      {
        name: 'y',
        type: 'band',
        domain: { data: 'bars', field: 'label' },
        range: 'height',
        padding: 0.2,
      },
      // Headroom for the value printed after the longest bar.
      { name: 'x', type: 'linear', domain: [0, max * 1.2 || 1], range: 'width', nice: true },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: opts.axis, tickCount: 6 },
      // labelLimit 0 = no limit: without a canvas, Vega over-estimates text width and cuts early.
      { orient: 'left', scale: 'y', labelLimit: 0 },
    ],
    marks: [
      {
        type: 'rect',
        from: { data: 'bars' },
        encode: {
          enter: {
            y: { scale: 'y', field: 'label' },
            height: { scale: 'y', band: 1 },
            x: { value: 0 },
            x2: { scale: 'x', field: 'value' },
            fill: { value: '#4c78a8' },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'bars' },
        encode: {
          enter: {
            y: { scale: 'y', field: 'label', band: 0.5 },
            x: { scale: 'x', field: 'value', offset: 4 },
            baseline: { value: 'middle' },
            text: { signal: `format(datum.value, '${opts.format ?? ',.3~r'}')` },
            fontSize: { value: 10 },
          },
        },
      },
    ],
  };
  return render(spec);
}

function axisScale(name: 'x' | 'y', axis: ChartAxis, range: 'width' | 'height'): vega.Scale {
  const domain = { data: 'points', field: name };
  if (axis.log === true) return { name, type: 'log', domain, range };
  // x starts at the data, y at zero (a flat line must not look like a steep one).
  return { name, type: 'linear', domain, range, nice: true, zero: name === 'y' };
}

async function render(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
