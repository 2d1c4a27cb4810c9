import { describe, expect, it } from 'vitest';
import { barChartSvg, lineChartSvg } from '../src/chart.ts';

describe('common/chart', () => {
  it('draws a line chart with one path per series and the axis titles', async () => {
    const svg = await lineChartSvg({
      title: 'heap over time',
      x: { title: 'iteration' },
      y: { title: 'heapUsed (MiB)' },
      series: [
        {
          name: 'leak',
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 2 },
            { x: 2, y: 3 },
          ],
        },
        {
          name: 'fixed',
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 1 },
            { x: 2, y: 1 },
          ],
        },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('heapUsed (MiB)');
    expect(svg).toContain('leak');
    expect(svg.match(/class="mark-line/g)?.length).toBe(2);
  });

  it('draws a bar per label with its value', async () => {
    const svg = await barChartSvg({
      title: 'MB/s by highWaterMark',
      axis: 'MB/s',
      bars: [
        { label: '1 KiB', value: 120 },
        { label: '64 KiB', value: 2400 },
      ],
    });
    expect(svg).toContain('64 KiB');
    expect(svg).toContain('2,400');
  });
});
