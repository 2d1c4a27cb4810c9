import { describe, expect, it } from 'vitest';
import { summarizeProfile, type CpuProfile } from '../src/index.ts';

// A call tree (root → handler → writev) and 6 samples, 1 ms apart from t = 1000 µs.
const profile: CpuProfile = {
  startTime: 1_000,
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [2, 4] },
    { id: 2, callFrame: { functionName: 'handler', url: 'file:///app/server.js' }, children: [3] },
    { id: 3, callFrame: { functionName: 'writev', url: '' } },
    { id: 4, callFrame: { functionName: '(idle)', url: '' } },
  ],
  samples: [4, 3, 3, 2, 3, 4],
  timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
};

describe('summarizeProfile', () => {
  it('names an anonymous native function after its JS caller', () => {
    const s = summarizeProfile({
      startTime: 0,
      nodes: [
        { id: 1, callFrame: { functionName: 'byteLength', url: 'node:buffer' }, children: [2] },
        { id: 2, callFrame: { functionName: '', url: '' } },
      ],
      samples: [2, 2],
      timeDeltas: [500, 500],
    });
    expect(s.top).toEqual([{ name: '(native, in byteLength)', selfMs: 1, share: 1 }]);
  });

  it('sums self time per function and leaves (idle) out of the busy time', () => {
    const s = summarizeProfile(profile);
    expect(s).toMatchObject({ totalMs: 6, busyMs: 4 });
    expect(s.top).toEqual([
      { name: 'writev', selfMs: 3, share: 0.75 },
      { name: 'handler (server.js)', selfMs: 1, share: 0.25 },
    ]);
  });

  it('keeps only the samples inside a window of the monotonic clock', () => {
    // Sample timestamps: 2000, 3000, 4000 (writev), 5000 (handler), 6000, 7000 µs.
    const s = summarizeProfile(profile, { from: 3_500, to: 5_500 });
    expect(s).toMatchObject({ totalMs: 2, busyMs: 2 });
    expect(s.top).toEqual([
      { name: 'writev', selfMs: 1, share: 0.5 },
      { name: 'handler (server.js)', selfMs: 1, share: 0.5 },
    ]);
  });
});
