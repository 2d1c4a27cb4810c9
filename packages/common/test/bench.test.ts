import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Bench,
  formatNumber,
  median,
  processCpuMs,
  quantile,
  type BenchFile,
} from '../src/bench-entry.ts';

describe('statistics', () => {
  it('median of odd and even counts, without reordering the input', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('quantile by nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 1)).toBe(100);
  });

  it('formatNumber keeps 3 significant digits and separators', () => {
    expect(formatNumber(123456.7)).toBe('123,457');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0.01234)).toBe('0.012');
  });
});

describe('Bench', () => {
  it('alternates contenders after warm-up, takes medians and per-pair ratios, writes JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    try {
      const calls: string[] = [];
      let a = 0;
      let b = 0;
      const printed: string[] = [];
      const bench = new Bench({
        package: 'unit',
        runs: 3,
        warmup: 1,
        outDir: dir,
        print: (t) => printed.push(t),
      });
      const result = await bench.compare({
        name: 'case',
        primary: 'ops/s',
        ratioMetrics: ['cpu µs/op'],
        contenders: {
          a: async () => (calls.push('a'), { 'ops/s': [999, 10, 20, 30][a++]!, 'cpu µs/op': 1 }),
          b: async () => (calls.push('b'), { 'ops/s': [1, 5, 10, 10][b++]!, 'cpu µs/op': 4 }),
        },
      });
      expect(calls).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
      expect(result.contenders[0]!.metrics['ops/s']).toMatchObject({
        median: 20,
        min: 10,
        max: 30,
        samples: [10, 20, 30],
      });
      expect(result.ratios[0]).toMatchObject({
        of: 'a',
        to: 'b',
        metric: 'ops/s',
        perPair: [2, 2, 3],
        median: 2,
      });
      expect(result.ratios[1]).toMatchObject({ metric: 'cpu µs/op', median: 0.25 });
      expect(printed.join('')).toContain('ratio a / b (cpu µs/op, median of 3 pairs): **0.25×**');
      bench.finish();
      const file = JSON.parse(readFileSync(join(dir, 'unit.json'), 'utf8')) as BenchFile;
      expect(file).toMatchObject({ package: 'unit', runs: 3, warmup: 1, node: process.version });
      expect(file.cases).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('processCpuMs', () => {
  it('reads a process CPU time that grows while it computes', () => {
    const before = processCpuMs(process.pid);
    const end = process.cpuUsage().user + 60_000; // burn ≥ 60 ms of user CPU
    while (process.cpuUsage().user < end);
    const after = processCpuMs(process.pid);
    expect(after - before).toBeGreaterThanOrEqual(40); // /proc has 10 ms resolution
  });
});
