/**
 * The server's `/metrics`: the same figures as JSON (for the `load` command and people) and as
 * Prometheus text (prom-client 15, with its default Node.js metrics). The RSS − heap gap is
 * reported on its own: memory that grows there (Buffers, native add-ons, malloc) is invisible
 * in a heap snapshot's JavaScript objects (§5.1.3 堆外内存). With the Redis cache, Redis's own
 * figures are reported next to the process's (`memory_demo_redis_*`): the data moved there.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheStats, RedisStoreStats } from './cache.ts';

/** `process.memoryUsage()` plus the gap, bytes. */
export interface ProcessMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** rss − heapTotal: what the process holds outside the V8 heap. */
  rssMinusHeap: number;
}

/** The JSON body of `GET /metrics?format=json`. */
export interface MetricsReport {
  memory: ProcessMemory;
  caches: { leak: CacheStats; fixed: CacheStats };
  snapshots: { dir: string; max: number };
  uptimeMs: number;
}

/** `process.memoryUsage()` now, with the RSS − heap gap. */
export function processMemory(): ProcessMemory {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapTotal: m.heapTotal,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    rssMinusHeap: m.rss - m.heapTotal,
  };
}

/** Where the Prometheus gauges read their values (at scrape time). */
export interface MetricsSource {
  caches(): Promise<{ leak: CacheStats; fixed: CacheStats }>;
}

/**
 * A Prometheus registry of its own (not prom-client's global one) and the server's counters.
 * A scrape reads the caches' stats once (prom-client collects every gauge at the same time,
 * and a Redis cache's stats cost round trips): the gauges share one pending read.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'status'>;
  readonly snapshots: Counter;
  /** Cache commands that failed (the request was answered without the cache). */
  readonly cacheErrors: Counter<'cache' | 'operation' | 'code'>;
  #reading: Promise<{ leak: CacheStats; fixed: CacheStats }> | undefined;

  /** `redis`: the `/fixed` cache is Redis: its gauges are registered. */
  constructor(source: MetricsSource, { redis = false }: { redis?: boolean } = {}) {
    const registers = [this.registry];
    const read = () =>
      (this.#reading ??= source.caches().finally(() => (this.#reading = undefined)));
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'memory_demo_requests_total',
      help: 'Requests answered, by route and status code',
      labelNames: ['route', 'status'],
      registers,
    });
    this.snapshots = new Counter({
      name: 'memory_demo_heap_snapshots_total',
      help: 'Heap snapshots written (/snapshot and SIGUSR2)',
      registers,
    });
    const byCache = (field: 'entries' | 'bytes' | 'evictions') =>
      async function (this: Gauge<'cache'>) {
        const caches = await read();
        this.set({ cache: 'leak' }, caches.leak[field]);
        this.set({ cache: 'fixed' }, caches.fixed[field]);
      };
    new Gauge({
      name: 'memory_demo_cache_entries',
      help: 'Entries held by the /leak (unbounded) and /fixed (LRU, or keys in Redis) caches',
      labelNames: ['cache'],
      registers,
      collect: byCache('entries'),
    });
    new Gauge({
      name: 'memory_demo_cache_bytes',
      help: 'Bytes of response bodies each cache holds in this process (0 for Redis: see memory_demo_redis_used_memory_bytes)',
      labelNames: ['cache'],
      registers,
      collect: byCache('bytes'),
    });
    new Gauge({
      name: 'memory_demo_cache_evictions',
      help: 'Entries dropped by a cache to stay within its bounds (0 for the leak)',
      labelNames: ['cache'],
      registers,
      collect: byCache('evictions'),
    });
    this.cacheErrors = new Counter({
      name: 'memory_demo_cache_errors_total',
      help: 'Cache commands that failed (Redis unreachable, timed out or refusing); the request was answered without the cache',
      labelNames: ['cache', 'operation', 'code'],
      registers,
    });
    if (redis) registerRedisGauges(registers, read);
    new Gauge({
      name: 'memory_demo_rss_minus_heap_bytes',
      help: 'Resident set size minus the V8 heap (heapTotal): memory outside the JavaScript heap',
      registers,
      collect() {
        this.set(processMemory().rssMinusHeap);
      },
    });
  }

  /** The Prometheus text exposition and its content type. */
  async text(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/**
 * Redis's side of the Redis cache, read at scrape time: `INFO memory` `used_memory` (O(1)) and
 * the cache's keys (a `SCAN` of its prefix: one round trip per 1,000 keys of the database).
 * NaN while Redis is unreachable, and `memory_demo_redis_up` 0.
 */
function registerRedisGauges(
  registers: Registry[],
  read: () => Promise<{ fixed: CacheStats }>,
): void {
  const redisField = (pick: (r: RedisStoreStats) => number | null) =>
    async function (this: Gauge) {
      const redis = (await read()).fixed.redis;
      this.set(redis === undefined ? Number.NaN : (pick(redis) ?? Number.NaN));
    };
  new Gauge({
    name: 'memory_demo_redis_up',
    help: "1 when the /fixed cache's connection to Redis is ready, 0 while it reconnects",
    registers,
    collect: redisField((r) => (r.connected ? 1 : 0)),
  });
  new Gauge({
    name: 'memory_demo_redis_used_memory_bytes',
    help: 'Redis INFO memory used_memory: all memory of the Redis server holding the /fixed cache',
    registers,
    collect: redisField((r) => r.usedMemory),
  });
  new Gauge({
    name: 'memory_demo_redis_keys',
    help: "Keys under the /fixed cache's prefix in Redis (SCAN count)",
    registers,
    collect: redisField((r) => r.keys),
  });
}
