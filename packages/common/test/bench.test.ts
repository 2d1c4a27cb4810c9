import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bench, formatNumber, median, quantile, type BenchFile } from '../src/bench.ts';

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
      const bench = new Bench({ package: 'unit', runs: 3, warmup: 1, outDir: dir });
      const result = await bench.compare({
        name: 'case',
        primary: 'ops/s',
        contenders: {
          a: async () => (calls.push('a'), { 'ops/s': [999, 10, 20, 30][a++]! }),
          b: async () => (calls.push('b'), { 'ops/s': [1, 5, 10, 10][b++]! }),
        },
      });
      expect(calls).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
      expect(result.contenders[0]!.metrics['ops/s']).toMatchObject({
        median: 20,
        min: 10,
        max: 30,
        samples: [10, 20, 30],
      });
      expect(result.ratios[0]).toMatchObject({ of: 'a', to: 'b', perPair: [2, 2, 3], median: 2 });
      bench.finish();
      const file = JSON.parse(readFileSync(join(dir, 'unit.json'), 'utf8')) as BenchFile;
      expect(file).toMatchObject({ package: 'unit', runs: 3, warmup: 1, node: process.version });
      expect(file.cases).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
