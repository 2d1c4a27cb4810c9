import { beforeAll, describe, expect, it } from 'vitest';
import { runLeakDemo, type LeakReport } from '../src/demos/leak.ts';
import { LIMITS } from '../src/limits.ts';

// One run of every case (30 iterations, the minimum the issue allows), shared by the tests.
// Each leaking iteration adds ~100–230 KiB; a fixed one moves by a few KiB at most: the
// threshold (16 KiB/iteration) sits far from both, so a loaded machine does not flip a verdict.
let report: LeakReport;

beforeAll(async () => {
  report = await runLeakDemo({
    iterations: 30,
    warmup: 3,
    further: 5,
    threshold: LIMITS.leakThreshold.default,
    maxSnapshotSize: LIMITS.maxSnapshotSize.default,
    snapshotVariants: ['leak'], // the where-analysis is asserted on leaks; fixed runs are faster without
  });
});

const get = (name: string, variant: string) =>
  report.cases.find((c) => c.name === name && c.variant === variant)!;

describe('leak demo', () => {
  it('has the JSON shape of issue 13', () => {
    expect(report.demo).toBe('leak');
    expect(report.cases).toHaveLength(6);
    for (const c of report.cases) {
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining([
          'name',
          'variant',
          'iterations',
          'slopeBytesPerIteration',
          'ciLow',
          'ciHigh',
          'leaking',
          'growingConstructor',
          'retainerPath',
        ]),
      );
      expect(c.iterations).toBe(30);
      expect(c.ciLow).toBeLessThanOrEqual(c.slopeBytesPerIteration);
      expect(c.ciHigh).toBeGreaterThanOrEqual(c.slopeBytesPerIteration);
    }
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it.each([
    ['module-array', 'LeakRecord', 'leakArray'],
    ['unbounded-cache', 'CachedResponse', 'UnboundedCache.#map'],
    ['slow-queue', 'Job', 'UnboundedQueue.#waiting'],
  ])(
    '%s: the leak is detected, the snapshot diff names %s and its holder',
    (name, constructor, holder) => {
      const c = get(name, 'leak');
      expect(c.leaking).toBe(true);
      expect(c.ciLow).toBeGreaterThan(0);
      expect(c.growingConstructor).toBe(constructor);
      expect(c.retainerPath!.at(-1)).toBe(constructor);
      expect(c.retainerPath!.join(' ')).toContain(holder);
      expect(c.external.leaking).toBe(false);
    },
  );

  it.each(['module-array', 'unbounded-cache', 'slow-queue'])(
    '%s: the fixed variant is not leaking',
    (name) => {
      const c = get(name, 'fixed');
      expect(c.leaking).toBe(false);
      expect(c.growingConstructor).toBeNull();
      expect(c.retainerPath).toBeNull();
      expect(c.slopeBytesPerIteration).toBeLessThan(get(name, 'leak').slopeBytesPerIteration / 10);
    },
  );
});
