import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/protocol/rate-limiter.ts';

const limiter = (rate: number, burst: number, maxSources = 100): RateLimiter =>
  new RateLimiter({ rate, burst, maxSources });

/** How many of `n` datagrams from `source` at time `now` get through. */
function allowed(l: RateLimiter, source: string, now: number, n: number): number {
  let ok = 0;
  for (let i = 0; i < n; i += 1) if (l.take(source, now)) ok += 1;
  return ok;
}

describe('RateLimiter', () => {
  it('lets a burst through, then drops until tokens come back at the rate', () => {
    const l = limiter(10, 3);
    expect(allowed(l, 'a', 0, 5)).toBe(3);
    expect(allowed(l, 'a', 99, 1)).toBe(0); // 0.99 of a token
    expect(allowed(l, 'a', 100, 2)).toBe(1); // one token per 100 ms
    expect(allowed(l, 'a', 10_000, 10)).toBe(3); // refills to the burst, not beyond
  });

  it('keeps one bucket per source: a flooding source does not starve another', () => {
    const l = limiter(1, 2);
    expect(allowed(l, '192.0.2.1', 0, 100)).toBe(2);
    expect(allowed(l, '192.0.2.2', 0, 1)).toBe(1);
    expect(l.available('192.0.2.2', 0)).toBe(1);
    expect(l.available('192.0.2.99', 0)).toBe(2); // unknown source: a full bucket
  });

  it('refills nothing when the clock goes backwards', () => {
    const l = limiter(1_000, 1);
    expect(l.take('a', 1_000)).toBe(true);
    expect(l.take('a', 0)).toBe(false);
    expect(l.take('a', 1_000)).toBe(false);
    expect(l.take('a', 1_001)).toBe(true);
  });

  it('never tracks more than maxSources; evicting a full (idle) bucket changes nothing', () => {
    const l = limiter(1, 1, 3);
    for (let i = 0; i < 1_000; i += 1) l.take(`10.0.${i >> 8}.${i & 255}`, i * 1_000);
    // Each source is full again one second after its datagram: swept, never active-evicted.
    expect(l.stats.tracked).toBeLessThanOrEqual(3);
    expect(l.stats.evictedActive).toBe(0);
    expect(l.stats.evictedIdle).toBeGreaterThan(990);
  });

  it('evicts the least recently seen active bucket when full, and counts it', () => {
    const l = limiter(1, 2, 2);
    l.take('a', 0);
    l.take('b', 0);
    l.take('a', 0); // a is now the most recently seen
    l.take('c', 0); // table full of non-full buckets: b goes
    expect(l.stats).toEqual({ tracked: 2, evictedIdle: 0, evictedActive: 1 });
    expect(l.available('a', 0)).toBe(0); // a kept its (empty) bucket
    expect(l.available('b', 0)).toBe(2); // b starts over
  });

  it('rejects options outside LIMITS with Node codes', () => {
    expect(() => limiter(0, 1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => limiter(1, 1.5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => new RateLimiter({ rate: 1, burst: 1, maxSources: '9' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('never lets more than burst + rate × t through in any interval of t (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.constantFrom('a', 'b', 'c')), {
          maxLength: 300,
        }),
        (rate, burst, events) => {
          const l = limiter(rate, burst, 3); // room for every source: idle ones are still swept
          let t = 0;
          const passed: Record<string, number[]> = { a: [], b: [], c: [] };
          for (const [dt, source] of events) {
            t += dt;
            if (l.take(source, t)) passed[source]!.push(t);
          }
          expect(l.stats.evictedActive).toBe(0);
          for (const times of Object.values(passed)) {
            for (let i = 0; i < times.length; i += 1) {
              for (let j = i; j < times.length; j += 1) {
                const window = times[j]! - times[i]!;
                expect(j - i + 1).toBeLessThanOrEqual(burst + (window * rate) / 1000 + 1e-9);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
