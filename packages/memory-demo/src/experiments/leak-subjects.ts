/**
 * The three leaks of §5.4 and their fixes, as code that runs one "iteration" (a burst of
 * requests, log lines, jobs) at a time. Each leak keeps objects of its own class, so the
 * snapshot diff can name it: `LeakRecord`, `CachedResponse`, `Job`.
 */
import { LruResponseCache, UnboundedCache, type ResponseCache } from '../cache.ts';
import {
  LEAK_DEMO_CACHE,
  LEAK_DEMO_QUEUE,
  LEAK_ITEMS_PER_ITERATION,
  LEAK_PAYLOAD_CHARS,
  QUEUE_DRAINED_PER_ITERATION,
  RECENT_RECORDS,
} from '../constants.ts';
import { QueueFullError } from '../errors.ts';
import { BoundedQueue, UnboundedQueue, type WorkQueue } from '../queue.ts';

/** The three leak cases of §5.4. */
export const LEAK_CASES = ['module-array', 'unbounded-cache', 'slow-queue'] as const;
/** One of {@link LEAK_CASES}. */
export type LeakCaseName = (typeof LEAK_CASES)[number];
/** Each case has the leak and its fix. */
export const LEAK_VARIANTS = ['leak', 'fixed'] as const;
/** One of {@link LEAK_VARIANTS}. */
export type LeakVariant = (typeof LEAK_VARIANTS)[number];

/** One case, ready to run iteration after iteration. */
export interface LeakSubject {
  iterate(iteration: number): Promise<void>;
  /** Items the subject holds now (array length, cache entries, jobs waiting). */
  held(): Promise<number>;
}

/**
 * A flat one-byte string of {@link LEAK_PAYLOAD_CHARS} characters, its own: `'.'.repeat(n)`
 * or `padEnd` would build cons strings that share their halves between items.
 */
function payload(id: string): string {
  return Buffer.alloc(LEAK_PAYLOAD_CHARS, `${id}:`).toString('latin1');
}

/** A request record, what the book's `leakArray.push(…)` keeps (§5.4.1). */
export class LeakRecord {
  constructor(
    readonly id: string,
    readonly payload: string,
  ) {}
}

/**
 * §5.4.1: a module-level array is as long-lived as the process (module scope is never left),
 * so everything pushed into it stays. The book's own example, `leakArray.push("leak" + …)`.
 */
const leakArray: LeakRecord[] = [];

/** The fix for a history that is really needed: keep the last N records, in a ring. */
class RecentRecords {
  readonly #slots: (LeakRecord | undefined)[];
  #next = 0;
  #count = 0;

  constructor(capacity: number) {
    this.#slots = new Array<LeakRecord | undefined>(capacity).fill(undefined);
  }

  push(record: LeakRecord): void {
    this.#slots[this.#next] = record;
    this.#next = (this.#next + 1) % this.#slots.length;
    this.#count = Math.min(this.#count + 1, this.#slots.length);
  }

  get size(): number {
    return this.#count;
  }
}

function moduleArray(variant: LeakVariant): LeakSubject {
  const recent = new RecentRecords(RECENT_RECORDS);
  const keep = (r: LeakRecord): void =>
    void (variant === 'leak' ? leakArray.push(r) : recent.push(r));
  return {
    async iterate(iteration) {
      for (let i = 0; i < LEAK_ITEMS_PER_ITERATION; i += 1) {
        const id = `${iteration}/${i}`;
        keep(new LeakRecord(id, payload(id)));
      }
    },
    held: async () => (variant === 'leak' ? leakArray.length : recent.size),
  };
}

/** A rendered response, what a memoizing handler caches (§5.4.2). */
export class CachedResponse {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly storedAt: number,
  ) {}
}

function unboundedCache(variant: LeakVariant): LeakSubject {
  const sizeOf = (r: CachedResponse): number => r.body.length;
  const cache: ResponseCache<CachedResponse> =
    variant === 'leak' ? new UnboundedCache(sizeOf) : new LruResponseCache(LEAK_DEMO_CACHE, sizeOf);
  return {
    async iterate(iteration) {
      // Every request has a new key (a user id, a query string): the cache never hits.
      for (let i = 0; i < LEAK_ITEMS_PER_ITERATION; i += 1) {
        const key = `/users/${iteration}/${i}`;
        if ((await cache.get(key)) === undefined) {
          await cache.set(key, new CachedResponse(200, payload(key), Date.now()));
        }
      }
    },
    held: async () => (await cache.stats()).entries,
  };
}

/** A log line waiting to be written (§5.4.3's example: access logs into a database). */
export class Job {
  constructor(
    readonly id: string,
    readonly payload: string,
  ) {}
}

/**
 * A slow downstream (the database): it admits `n` writes per {@link tick}; a writer waits for
 * a token. Unused tokens expire at the next tick.
 */
class SlowDownstream {
  tokens = 0;
  #waiters: (() => void)[] = [];
  written = 0;

  acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.tokens > 0) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** A new period: `n` tokens, handed to waiting writers first. */
  tick(n: number): void {
    this.tokens = n;
    while (this.tokens > 0 && this.#waiters.length > 0) {
      this.tokens -= 1;
      this.#waiters.shift()!();
    }
  }
}

function slowQueue(variant: LeakVariant): LeakSubject {
  const downstream = new SlowDownstream();
  const write = async (job: Job, signal: AbortSignal | undefined): Promise<void> => {
    await downstream.acquire(signal);
    downstream.written += job.payload.length;
  };
  const queue: WorkQueue<Job> =
    variant === 'leak'
      ? new UnboundedQueue(write, { concurrency: LEAK_DEMO_QUEUE.concurrency })
      : new BoundedQueue(write, LEAK_DEMO_QUEUE);
  return {
    async iterate(iteration) {
      for (let i = 0; i < LEAK_ITEMS_PER_ITERATION; i += 1) {
        const id = `${iteration}/${i}`;
        try {
          queue.push(new Job(id, payload(id)));
        } catch (err) {
          if (!(err instanceof QueueFullError)) throw err; // refused: dropped, as bagpipe does
        }
      }
      downstream.tick(QUEUE_DRAINED_PER_ITERATION);
      // Let the writers run until this period's tokens are spent or nothing is left to write.
      // (Polling, not a race of promises: a race leaves the loser's waiter behind, a leak.)
      while (downstream.tokens > 0 && queue.stats().waiting + queue.stats().running > 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    held: async () => queue.stats().waiting,
  };
}

/** The subject of one case and variant. */
export function leakSubject(name: LeakCaseName, variant: LeakVariant): LeakSubject {
  switch (name) {
    case 'module-array':
      return moduleArray(variant);
    case 'unbounded-cache':
      return unboundedCache(variant);
    case 'slow-queue':
      return slowQueue(variant);
  }
}
