import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Arrival, EchoStats, summarize } from '../src/protocol/echo-stats.ts';
import { encodeProbe, type Probe } from '../src/protocol/probe.ts';

const SESSION = 99;

function engine(count: number, window = count, timeoutMs = 1_000): EchoStats {
  return new EchoStats({ count, window, timeoutMs, session: SESSION, size: 20 });
}

/** Sends every probe the window allows at `now`. */
function sendAll(stats: EchoStats, now: number): Probe[] {
  const sent: Probe[] = [];
  for (let p = stats.trySend(now); p !== undefined; p = stats.trySend(now)) sent.push(p);
  return sent;
}

/** Feeds echoes as `[sequence, arrival time]` pairs; returns what each was. */
function arrive(stats: EchoStats, sent: Probe[], arrivals: [number, number][]): Arrival[] {
  return arrivals.map(([seq, at]) => stats.arrival(seq, sent[seq]!.sentAt, at));
}

describe('EchoStats on synthetic arrival sequences', () => {
  it('in order, nothing lost: RTTs, quantiles and RFC 3550 jitter by hand', () => {
    const stats = engine(4);
    const sent = sendAll(stats, 0);
    // RTTs 10, 12, 11, 15 ms → D = 2, −1, 4 →
    // J = 2/16 = 0.125; 0.125 + (1 − 0.125)/16 = 0.1796875; 0.1796875 + (4 − 0.1796875)/16.
    const kinds = arrive(stats, sent, [
      [0, 10],
      [1, 12],
      [2, 11],
      [3, 15],
    ]);
    expect(kinds).toEqual([Arrival.InTime, Arrival.InTime, Arrival.InTime, Arrival.InTime]);
    const r = stats.report();
    expect(r).toMatchObject({ sent: 4, received: 4, lost: 0, lossPercent: 0, inFlight: 0 });
    expect(r).toMatchObject({ duplicated: 0, reordered: 0, late: 0, invalid: 0 });
    expect(r.rttMs).toEqual({ min: 10, mean: 12, p50: 11, p90: 15, p99: 15, max: 15 });
    expect(r.jitterMs).toBeCloseTo(0.41845703125, 12);
    expect(stats.done).toBe(true);
  });

  it('loss: probes never answered are given up at their deadline and counted lost', () => {
    const stats = engine(5, 5, 100);
    const sent = sendAll(stats, 0);
    arrive(stats, sent, [
      [0, 5],
      [3, 6],
    ]);
    expect(stats.nextDeadline()).toBe(100);
    expect(stats.done).toBe(false);
    expect(stats.giveUp(99.9)).toBe(0);
    expect(stats.giveUp(100)).toBe(3);
    expect(stats.done).toBe(true);
    expect(stats.report()).toMatchObject({ sent: 5, received: 2, lost: 3, lossPercent: 60 });
  });

  it('duplicates: extra copies are counted, not received twice, and do not move the jitter', () => {
    const stats = engine(2);
    const sent = sendAll(stats, 0);
    const kinds = arrive(stats, sent, [
      [0, 1],
      [0, 2],
      [1, 3],
      [1, 50],
      [0, 60],
    ]);
    expect(kinds).toEqual([
      Arrival.InTime,
      Arrival.Duplicate,
      Arrival.InTime,
      Arrival.Duplicate,
      Arrival.Duplicate,
    ]);
    const r = stats.report();
    expect(r).toMatchObject({ received: 2, duplicated: 3, lost: 0 });
    expect(r.jitterMs).toBeCloseTo(2 / 16, 12); // RTTs 1 and 3 only
  });

  it('reordering: a first echo below the highest number seen so far (RFC 4737)', () => {
    const stats = engine(6);
    const sent = sendAll(stats, 0);
    arrive(stats, sent, [
      [1, 1],
      [0, 2], // reordered
      [2, 3],
      [5, 4],
      [3, 5], // reordered
      [4, 6], // reordered
    ]);
    expect(stats.report()).toMatchObject({ received: 6, reordered: 3, lost: 0 });
  });

  it('late: an echo at or after the timeout is received but late, and its slot was reused', () => {
    const stats = engine(3, 1, 100);
    const [p0] = sendAll(stats, 0);
    expect(stats.trySend(50)).toBeUndefined(); // window of 1, probe 0 in flight
    const p1 = stats.trySend(100)!; // probe 0 given up at its deadline: the slot is free
    expect(p1.sequence).toBe(1);
    expect(stats.arrival(0, p0!.sentAt, 130)).toBe(Arrival.Late);
    expect(stats.arrival(1, p1.sentAt, 110)).toBe(Arrival.InTime);
    const p2 = stats.trySend(120)!;
    expect(stats.arrival(2, p2.sentAt, 220)).toBe(Arrival.Late); // exactly the timeout
    const r = stats.report();
    expect(r).toMatchObject({ sent: 3, received: 3, late: 2, lost: 0, inFlight: 0 });
    expect(r.rttMs).toMatchObject({ min: 10, max: 130 });
  });

  it('a window: never more than `window` in flight', () => {
    const stats = engine(10, 3);
    expect(sendAll(stats, 0).map((p) => p.sequence)).toEqual([0, 1, 2]);
    expect(stats.inFlight).toBe(3);
    stats.arrival(1, 0, 1);
    expect(sendAll(stats, 1).map((p) => p.sequence)).toEqual([3]);
    expect(stats.nextDeadline()).toBe(1_000); // probe 0
    stats.arrival(0, 0, 2);
    stats.arrival(2, 0, 2);
    expect(stats.nextDeadline()).toBe(1_001); // probe 3, sent at 1
  });

  it('rejects what is not an echo of this run with a typed error or as invalid', () => {
    const stats = engine(4);
    const [p0] = sendAll(stats, 5);
    expect(() => stats.arrival(4, 5, 6)).toThrow(
      expect.objectContaining({ code: 'ERR_PROBE_UNKNOWN_SEQUENCE' }),
    );
    expect(() => stats.arrival(0, 4, 6)).toThrow(
      expect.objectContaining({ code: 'ERR_PROBE_TIMESTAMP_MISMATCH' }),
    );
    const foreign = [
      Buffer.from('hello'),
      encodeProbe({ ...p0!, session: SESSION + 1 }, 20),
      encodeProbe({ ...p0!, sequence: 3_000 }, 20),
      encodeProbe(p0!, 21),
      Buffer.alloc(0),
    ];
    for (const d of foreign) expect(stats.receive(d, 6)).toBe(Arrival.Invalid);
    expect(stats.receive(encodeProbe(p0!, 20), 7)).toBe(Arrival.InTime);
    expect(stats.report()).toMatchObject({ invalid: 5, received: 1 });
  });

  it('reports null RTT and jitter when nothing (or one echo) came back', () => {
    const stats = engine(2, 2, 10);
    const sent = sendAll(stats, 0);
    expect(stats.report()).toMatchObject({ rttMs: null, jitterMs: null, inFlight: 2, lost: 2 });
    arrive(stats, sent, [[1, 3]]);
    expect(stats.report()).toMatchObject({ jitterMs: null, rttMs: { p50: 3 } });
  });

  it('summarize: nearest-rank quantiles', () => {
    const rtts = Float64Array.from({ length: 100 }, (_, i) => 100 - i); // 1 … 100, unsorted
    expect(summarize(rtts)).toEqual({ min: 1, mean: 50.5, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(summarize(new Float64Array(0))).toBeNull();
  });

  it('lost + received = sent, whatever the network does (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 8 }),
        // Each step: send what the window allows, then deliver some echoes, maybe twice.
        fc.array(fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 6 }), {
          maxLength: 40,
        }),
        (count, window, steps) => {
          const stats = engine(count, window, 30);
          const sent: Probe[] = [];
          const delivered = new Map<number, number>();
          let now = 0;
          for (const step of steps) {
            now += 7;
            sent.push(...sendAll(stats, now));
            for (const [pick, twice] of step) {
              if (sent.length === 0) break;
              const seq = pick % sent.length;
              for (let k = 0; k < (twice ? 2 : 1); k += 1) {
                stats.arrival(seq, sent[seq]!.sentAt, now);
                delivered.set(seq, (delivered.get(seq) ?? 0) + 1);
              }
            }
          }
          const r = stats.report();
          expect(r.lost + r.received).toBe(r.sent);
          expect(r.received).toBe(delivered.size);
          const copies = [...delivered.values()].reduce((a, b) => a + b, 0);
          expect(r.duplicated).toBe(copies - delivered.size);
          expect(r.late).toBeLessThanOrEqual(r.received);
          expect(r.reordered).toBeLessThanOrEqual(Math.max(0, r.received - 1));
          expect(r.inFlight).toBeLessThanOrEqual(window);
        },
      ),
      { numRuns: 300 },
    );
  });
});
