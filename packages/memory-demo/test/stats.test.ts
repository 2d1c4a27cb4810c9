import { seeded } from 'common/harness';
import { describe, expect, it } from 'vitest';
import {
  isLeaking,
  linearFit,
  logGamma,
  studentTCdf,
  studentTQuantile,
} from '../src/analysis/stats.ts';

/** A standard normal draw from a seeded uniform source (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe('Student t', () => {
  it('matches tabulated quantiles', () => {
    // R: qt(0.975, c(1, 3, 10, 28, 100)), qt(0.95, 5)
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.70620474, 6);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.182446305, 7);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138852, 7);
    expect(studentTQuantile(0.975, 28)).toBeCloseTo(2.048407142, 7);
    expect(studentTQuantile(0.975, 100)).toBeCloseTo(1.983971519, 7);
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.015048373, 7);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228138852, 7);
  });

  it('has a symmetric CDF with CDF(0) = 1/2', () => {
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(1.5, 7) + studentTCdf(-1.5, 7)).toBeCloseTo(1, 12);
    expect(studentTCdf(Infinity, 3)).toBe(1);
  });

  it('log-gamma matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });
});

describe('linearFit', () => {
  it('reproduces a worked example (slope, intercept, interval)', () => {
    const fit = linearFit([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
    expect(fit.slope).toBeCloseTo(0.6, 12);
    expect(fit.intercept).toBeCloseTo(2.2, 12);
    expect(fit.slopeStdErr).toBeCloseTo(Math.sqrt(0.08), 12);
    expect(fit.ciLow).toBeCloseTo(0.6 - 3.182446305 * Math.sqrt(0.08), 7);
    expect(fit.ciHigh).toBeCloseTo(0.6 + 3.182446305 * Math.sqrt(0.08), 7);
  });

  it('gives a zero-width interval on a perfect line', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i);
    const fit = linearFit(
      xs,
      xs.map((x) => 1000 + 4096 * x),
    );
    expect(fit.slope).toBeCloseTo(4096, 9);
    expect(fit.ciHigh - fit.ciLow).toBeCloseTo(0, 6);
  });

  it('covers the true slope about 95% of the time on synthetic noisy data', () => {
    const random = seeded(13);
    const trials = 2000;
    let covered = 0;
    for (let t = 0; t < trials; t += 1) {
      const xs = Array.from({ length: 30 }, (_, i) => i + 1);
      const ys = xs.map((x) => 5e6 + 250 * x + 2000 * normal(random));
      const fit = linearFit(xs, ys);
      if (fit.ciLow <= 250 && 250 <= fit.ciHigh) covered += 1;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });

  it('refuses what has no slope', () => {
    expect(() => linearFit([1, 2], [1, 2])).toThrow(RangeError);
    expect(() => linearFit([1, 1, 1], [1, 2, 3])).toThrow(RangeError);
    expect(() => linearFit([1, 2, 3], [1, 2])).toThrow(RangeError);
  });
});

describe('isLeaking', () => {
  const random = seeded(5);
  const xs = Array.from({ length: 40 }, (_, i) => i + 1);
  const noisy = (slope: number): number[] => xs.map((x) => 8e6 + slope * x + 5000 * normal(random));

  it('flags a steady growth far above the threshold', () => {
    expect(isLeaking(linearFit(xs, noisy(100_000)), 10_000)).toBe(true);
  });

  it('does not flag noise around a flat line', () => {
    expect(isLeaking(linearFit(xs, noisy(0)), 10_000)).toBe(false);
  });

  it('does not flag a real but small growth under the threshold', () => {
    const fit = linearFit(xs, noisy(2_000));
    expect(fit.ciLow).toBeGreaterThan(0);
    expect(isLeaking(fit, 10_000)).toBe(false);
  });
});
