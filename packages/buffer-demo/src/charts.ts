/**
 * The demos' charts as SVG, drawn with common's Vega charts (the bench report's library). Only
 * `main.ts` loads this module, and only for a demo that draws: Vega is large.
 */
import { barChartSvg, lineChartSvg } from 'common/chart';
import type { AllocationResult } from './demos/allocation.ts';
import type { ConcatResult } from './demos/concat.ts';
import type { HighWaterMarkResult } from './demos/highwatermark.ts';
import type { StaticContentResult } from './demos/static-content/index.ts';
import { RETAINED_SLICE_BYTES } from './constants.ts';
import { formatBytes } from 'common';

/** A chart to write: its file name (in the output directory) and its SVG text. */
export interface Chart {
  file: string;
  svg: string;
}

const node = (): string => `Node ${process.version}`;

/** `subarray(0, 10) (a view)` → `subarray(0, 10)`: short chart labels. */
const withoutNote = (label: string): string => label.replace(/ \([^)]*\)$/, '');

export async function allocationCharts(r: AllocationResult): Promise<Chart[]> {
  return [
    {
      file: 'allocation-retention.svg',
      svg: await barChartSvg({
        title: `Memory kept alive per retained ${RETAINED_SLICE_BYTES}-byte slice (${node()}, poolSize ${formatBytes(r.poolSize)})`,
        axis: 'bytes per slice (arrayBuffers + heapUsed growth after GC)',
        bars: r.retention.map((x) => ({
          label: `${withoutNote(x.messages)}: ${withoutNote(x.kept)}`,
          value: Math.round(x.perSliceBytes),
        })),
        format: ',d',
        width: 360,
      }),
    },
  ];
}

export async function concatCharts(r: ConcatResult): Promise<Chart[]> {
  return [
    {
      file: 'concat.svg',
      svg: await barChartSvg({
        title: `${r.chunks.toLocaleString('en-US')} chunks → one string (${node()}, median of ${r.runs})`,
        axis: 'ms',
        bars: r.measurements.map((m) => ({
          label: `${m.input}: ${m.strategy}${m.correct ? '' : ' (WRONG)'}`,
          value: m.ms,
        })),
      }),
    },
  ];
}

export async function highWaterMarkCharts(r: HighWaterMarkResult): Promise<Chart[]> {
  return [
    {
      file: 'highwatermark.svg',
      svg: await lineChartSvg({
        title: `fs.createReadStream of a ${formatBytes(r.size)} file (${node()})`,
        x: { title: 'highWaterMark (KiB, log scale)', log: true },
        y: { title: 'MB/s' },
        series: [
          {
            name: 'throughput',
            points: r.rows.map((x) => ({ x: x.highWaterMark / 1024, y: x.mbPerSecond })),
          },
        ],
      }),
    },
  ];
}

export async function staticContentCharts(r: StaticContentResult): Promise<Chart[]> {
  const label = (f: StaticContentResult['figures'][number]): string => `/${f.route}, ${f.mode}`;
  return [
    {
      file: 'static-content-cpu.svg',
      svg: await barChartSvg({
        title: `Server CPU per request, 10 KiB body (${node()})`,
        axis: 'server µs per request (lower is better)',
        bars: r.figures.map((f) => ({ label: label(f), value: f.serverUsPerRequest })),
      }),
    },
    {
      file: 'static-content-throughput.svg',
      svg: await barChartSvg({
        title: `Throughput, autocannon ${r.connections} connections (${node()})`,
        axis: 'requests per second',
        bars: r.figures.map((f) => ({ label: label(f), value: Math.round(f.reqPerSecond) })),
        format: ',d',
      }),
    },
  ];
}
