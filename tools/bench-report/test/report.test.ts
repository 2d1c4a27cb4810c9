import { describe, expect, it } from 'vitest';
import type { BenchFile } from 'common/bench';
import { ratioChartSvg, renderReport } from '../src/report.ts';

const file: BenchFile = {
  package: 'demo',
  title: 'Demo server',
  date: '2026-11-21T10:00:00.000Z',
  node: 'v20.20.2',
  machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 24, platform: 'linux' },
  pinning: 'none',
  runs: 3,
  warmup: 1,
  notes: ['a caveat'],
  cases: [
    {
      name: 'echo 16 B',
      primary: 'msgs/s',
      higherIsBetter: true,
      contenders: [
        {
          name: 'netlab',
          metrics: {
            'msgs/s': { median: 1200, min: 1100, max: 1300, samples: [1100, 1200, 1300] },
          },
        },
        {
          name: 'ws',
          metrics: { 'msgs/s': { median: 1000, min: 900, max: 1100, samples: [900, 1000, 1100] } },
        },
      ],
      ratios: [
        { of: 'netlab', to: 'ws', metric: 'msgs/s', perPair: [1.1, 1.2, 1.3], median: 1.2 },
        { of: 'netlab', to: 'ws', metric: 'server µs/msg', perPair: [0.8, 0.9, 1], median: 0.9 },
      ],
    },
  ],
};

describe('bench report', () => {
  it('renders a section with machine, medians, ratio, notes and the chart link', () => {
    const md = renderReport([file], () => 'demo.svg');
    expect(md).toContain('## Demo server (`demo`)');
    expect(md).toContain('2026-11-21 · Node v20.20.2 · 2 × Test CPU');
    expect(md).toMatch(/\| netlab \| 1,200 \|/);
    expect(md).toContain('**1.20×**');
    expect(md).toContain('- a caveat');
    expect(md).toContain('![demo ratios](demo.svg)');
  });

  it('draws the ratios as an SVG bar chart', async () => {
    const svg = await ratioChartSvg(file);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('echo 16 B: netlab / ws (msgs/s)');
    expect(svg).toContain('1.20×');
    expect(svg).toContain('echo 16 B: netlab / ws (server µs/msg)');
  });

  it('draws nothing for a file without ratios', async () => {
    expect(await ratioChartSvg({ ...file, cases: [] })).toBeUndefined();
  });
});
