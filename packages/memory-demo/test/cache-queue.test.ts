import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LruResponseCache, UnboundedCache } from '../src/cache.ts';
import { QueueFullError } from '../src/errors.ts';
import { BoundedQueue, UnboundedQueue } from '../src/queue.ts';

const sizeOf = (b: Buffer): number => b.length;
const body = (n: number): Buffer => Buffer.alloc(n, 'x');

describe('UnboundedCache (the leak)', () => {
  it('keeps every distinct key', async () => {
    const cache = new UnboundedCache(sizeOf);
    for (let i = 0; i < 1000; i += 1) await cache.set(`k${i}`, body(10));
    await cache.set('k0', body(30)); // replacing counts the new size only
    expect(await cache.stats()).toEqual({
      kind: 'unbounded',
      entries: 1000,
      bytes: 10_020,
      evictions: 0,
    });
    expect((await cache.get('k999'))?.length).toBe(10);
  });
});

describe('LruResponseCache (the fix)', () => {
  it('holds at most maxEntries, dropping the least recently used', async () => {
    const cache = new LruResponseCache({ maxEntries: 3, maxBytes: 1000, ttlMs: 60_000 }, sizeOf);
    for (const k of ['a', 'b', 'c']) await cache.set(k, body(1));
    await cache.get('a'); // a is now the most recently used
    await cache.set('d', body(1));
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeDefined();
    expect(await cache.stats()).toMatchObject({ kind: 'lru', entries: 3, bytes: 3, evictions: 1 });
  });

  it('holds at most maxBytes', async () => {
    const cache = new LruResponseCache({ maxEntries: 100, maxBytes: 250, ttlMs: 60_000 }, sizeOf);
    for (let i = 0; i < 10; i += 1) await cache.set(`k${i}`, body(100));
    expect(await cache.stats()).toMatchObject({ entries: 2, bytes: 200 });
  });

  it('stops returning an entry after its TTL', async () => {
    let now = 1_000;
    const cache = new LruResponseCache({ maxEntries: 10, maxBytes: 1000, ttlMs: 500 }, sizeOf, {
      now: () => now,
    });
    await cache.set('k', body(1));
    now += 499;
    expect(await cache.get('k')).toBeDefined();
    now += 2;
    expect(await cache.get('k')).toBeUndefined();
    expect((await cache.stats()).evictions).toBe(1);
  });
});

/** A worker whose jobs finish only when the test says so. */
function gatedWorker() {
  const gates: (() => void)[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const worker = (_job: number, signal: AbortSignal | undefined): Promise<void> =>
    new Promise((resolve) => {
      signals.push(signal);
      gates.push(resolve);
    });
  return { worker, gates, signals };
}

describe('UnboundedQueue (the leak)', () => {
  it('runs concurrency jobs at a time and lets the rest pile up', async () => {
    const { worker, gates } = gatedWorker();
    const queue = new UnboundedQueue(worker, { concurrency: 2 });
    for (let i = 0; i < 1000; i += 1) queue.push(i);
    expect(queue.stats()).toMatchObject({ waiting: 998, running: 2 });
    gates.shift()!();
    await Promise.resolve();
    await Promise.resolve();
    expect(queue.stats()).toMatchObject({ waiting: 997, running: 2, done: 1 });
  });
});

describe('BoundedQueue (the fix: p-queue with bagpipe limits)', () => {
  it('refuses a job when maxWaiting jobs wait (ERR_QUEUE_FULL, 503)', () => {
    const { worker } = gatedWorker();
    const queue = new BoundedQueue(worker, { concurrency: 1, maxWaiting: 2, timeoutMs: 60_000 });
    for (let i = 0; i < 3; i += 1) queue.push(i); // 1 running, 2 waiting
    let refused: unknown;
    try {
      queue.push(3);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(QueueFullError);
    expect(refused).toMatchObject({ code: 'ERR_QUEUE_FULL', statusCode: 503, maxQueue: 2 });
    expect(queue.stats()).toMatchObject({ waiting: 2, running: 1, refused: 1 });
  });

  it('times stuck jobs out one after the other, freeing the slot and aborting their signals', async () => {
    const { worker, signals } = gatedWorker();
    const queue = new BoundedQueue(worker, { concurrency: 1, maxWaiting: 10, timeoutMs: 50 });
    queue.push(1);
    queue.push(2);
    await queue.onIdle(); // the second job only starts once the first timed out
    expect(signals).toHaveLength(2);
    await Promise.all(signals.map((s) => (s!.aborted ? undefined : once(s!, 'abort'))));
    for (const s of signals) expect(s!.reason).toMatchObject({ name: 'TimeoutError' });
    expect(queue.stats()).toMatchObject({ waiting: 0, running: 0, failed: 2, timedOut: 2 });
  });
});
