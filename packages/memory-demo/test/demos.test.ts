import { describe, expect, it } from 'vitest';
import { runGcDemo } from '../src/demos/gc.ts';
import { runLimitDemo } from '../src/demos/limit.ts';
import { runScopeDemo } from '../src/demos/scope.ts';
import { runStreamDemo } from '../src/demos/stream.ts';
import { runUsageDemo } from '../src/demos/usage.ts';

const MiB = 1024 * 1024;

// Every demo runs its experiment in children: these tests assert shapes and facts that hold on
// any machine (who dies of what, what grows and what does not), never times or exact sizes.

describe('usage', () => {
  it('reads memoryUsage, heap statistics and spaces; heap_size_limit follows the flag', async () => {
    const r = await runUsageDemo({ heapLimit: 48 * MiB });
    expect(r.demo).toBe('usage');
    expect(r.runs.map((run) => run.maxOldSpaceSize)).toEqual([null, 48 * MiB]);
    const [defaults, limited] = r.runs;
    expect(limited!.execArgv).toEqual(['--max-old-space-size=48']);
    expect(limited!.heapSizeLimit).toBeLessThan(defaults!.heapSizeLimit);
    expect(limited!.heapSizeLimit).toBeGreaterThanOrEqual(48 * MiB);
    expect(Object.keys(limited!.memoryUsage).sort()).toEqual([
      'arrayBuffers',
      'external',
      'heapTotal',
      'heapUsed',
      'rss',
    ]);
    expect(limited!.heapSpaces.map((s) => s.name)).toEqual(
      expect.arrayContaining(['new_space', 'old_space', 'code_space']),
    );
    expect(r.os.totalmem).toBeGreaterThan(0);
  });
});

describe('limit', () => {
  it('the small-heap child dies with V8 out-of-memory; Buffers beyond the limit do not', async () => {
    const r = await runLimitDemo({ heapLimit: 32 * MiB, bufferTotal: 128 * MiB });
    expect(r.heap.outOfMemory).toBe(true);
    expect(r.heap.message).toMatch(/FATAL ERROR: .*JavaScript heap out of memory/);
    expect(r.heap.exit).toEqual({ code: null, signal: 'SIGABRT' });
    expect(r.heap.samples.length).toBeGreaterThan(1);
    expect(r.buffers.completed).toBe(true);
    expect(r.buffers.exit).toEqual({ code: 0, signal: null });
    expect(r.buffers.allocated).toBe(128 * MiB);
    expect(r.buffers.peakExternal).toBeGreaterThanOrEqual(128 * MiB);
    expect(r.buffers.peakHeapUsed).toBeLessThan(32 * MiB);
  });
});

describe('gc', () => {
  it('short-lived objects only scavenge; kept ones are promoted and trigger mark-compacts', async () => {
    const r = await runGcDemo({ objects: 600_000, semiSpace: undefined });
    const [short, long] = r.patterns;
    expect(short!.pattern).toBe('short-lived');
    expect(long!.pattern).toBe('long-lived');
    expect(short!.trace.young.count).toBeGreaterThan(0);
    expect(short!.observer.minor.count).toBeGreaterThan(0);
    expect(long!.trace.old.count).toBeGreaterThan(short!.trace.old.count);
    expect(long!.promotedBytes).toBeGreaterThan(short!.promotedBytes);
    expect(long!.timeline.length).toBe(long!.trace.young.count + long!.trace.old.count);
  });
});

describe('scope', () => {
  it('releases locals, deleted and reassigned globals and dropped closures; keeps the rest', async () => {
    const r = await runScopeDemo({ bytes: 8 * MiB });
    expect(r.steps.map((s) => s.step)).toEqual([
      'baseline',
      'local variable, function returned',
      'global variable',
      'after delete',
      'global variable again',
      'after reassigning undefined',
      'closure kept',
      'closure dropped',
      'closure that never uses it',
      'that closure dropped',
    ]);
    for (const s of r.steps.slice(1))
      expect({ step: s.step, retained: s.retained }).toEqual({
        step: s.step,
        retained: s.expectRetained,
      });
  });
});

describe('stream', () => {
  it('readFile to a string dies of the heap limit where streams (and a Buffer) copy the file', async () => {
    const r = await runStreamDemo({ heapLimit: 32 * MiB, fileSize: 128 * MiB });
    const mode = (m: string) => r.modes.find((x) => x.mode === m)!;
    expect(mode('readFile-string')).toMatchObject({
      completed: false,
      outOfMemory: true,
      copyVerified: null,
    });
    expect(mode('readFile-string').message).toMatch(/JavaScript heap out of memory/);
    expect(mode('readFile-buffer')).toMatchObject({ completed: true, copyVerified: true });
    expect(mode('stream')).toMatchObject({
      completed: true,
      copyVerified: true,
      outOfMemory: false,
    });
    // The Buffer copy held the whole file off-heap; the stream never did (its used chunks wait
    // for a GC, which V8 starts after 64 MiB of new external memory at the latest).
    expect(mode('readFile-buffer').peakExternal).toBeGreaterThanOrEqual(128 * MiB);
    expect(mode('stream').peakExternal).toBeLessThan(128 * MiB);
  });
});
