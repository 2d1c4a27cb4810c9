import { describe, expect, it } from 'vitest';
import { measuredWindow, parseTraceGc, summarizeTrace } from '../src/analysis/trace-gc.ts';

// Lines as Node 20 prints them (two isolates: the main one and tsx's loader thread).
const TRACE = `[13099:0x42872f30]      634 ms: Scavenge 7.6 (9.7) -> 6.4 (10.2) MB, 1.12 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; 
[13099:0x7f0a38000f00]      225 ms: Scavenge 8.1 (10.7) -> 6.8 (15.0) MB, 0.97 / 0.01 ms  (average mu = 1.000, current mu = 1.000) task; 
[13099:0x42872f30]      743 ms: Mark-Compact 7.9 (15.5) -> 6.3 (15.7) MB, 10.15 / 0.01 ms  (average mu = 1.000, current mu = 1.000) testing; GC in old space requested
[13099:0x42872f30]      759 ms: Scavenge 11.1 (16.6) -> 10.2 (16.1) MB, 10.03 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; 
[13099:0x7f0a38000f00]      760 ms: Scavenge 8.1 (10.7) -> 6.8 (15.0) MB, 0.50 / 0.01 ms  (average mu = 1.000, current mu = 1.000) task; 
[13099:0x42872f30]      832 ms: Mark-Compact 22.4 (53.2) -> 21.0 (53.9) MB, 16.51 / 0.01 ms  (+ 5.2 ms in 35 steps since start of marking, biggest step 3.9 ms, walltime since start of marking 29 ms) (average mu = 0.755, current mu = 0.755) finalize incremental marking via stack guard; GC in old space requested
[13099:0x42872f30]      900 ms: Mark-Compact (reduce) 30.0 (60.0) -> 20.0 (40.0) MB, 20.00 / 0.00 ms  (average mu = 0.7, current mu = 0.7) allocation failure; 
[13099:0x42872f30]     1099 ms: Mark-Compact 84.1 (116.8) -> 6.3 (40.7) MB, 23.44 / 0.00 ms  (average mu = 0.739, current mu = 0.755) testing; GC in old space requested
some other output
`;

describe('parseTraceGc', () => {
  const events = parseTraceGc(TRACE);

  it('reads every collection line, with its isolate, collector, sizes, pause and reason', () => {
    expect(events).toHaveLength(8);
    expect(events[5]).toEqual({
      isolate: '0x42872f30',
      timeMs: 832,
      collector: 'Mark-Compact',
      generation: 'old',
      beforeMiB: 22.4,
      afterMiB: 21,
      pauseMs: 16.51,
      reason: 'finalize incremental marking via stack guard',
    });
    expect(events[6]).toMatchObject({ collector: 'Mark-Compact (reduce)', generation: 'old' });
    expect(events[0]).toMatchObject({
      collector: 'Scavenge',
      generation: 'young',
      reason: 'allocation failure',
    });
  });

  it('cuts the measured phase: main isolate, between the forced (testing) collections', () => {
    const window = measuredWindow(events);
    expect(window.map((e) => e.timeMs)).toEqual([759, 832, 900]);
    expect(summarizeTrace(window)).toEqual({
      young: { count: 1, totalPauseMs: 10.03, maxPauseMs: 10.03 },
      old: { count: 2, totalPauseMs: 36.51, maxPauseMs: 20 },
    });
  });

  it('has no window without two forced collections', () => {
    expect(measuredWindow(events.slice(0, 3))).toEqual([]);
  });
});
