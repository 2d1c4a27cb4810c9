/**
 * The server's `/metrics`: the same figures as JSON (for the `load` command and people) and as
 * Prometheus text (prom-client 15, with its default Node.js metrics). The RSS − heap gap is
 * reported on its own: memory that grows there (Buffers, native add-ons, malloc) is invisible
 * in a heap snapshot's JavaScript objects (§5.1.3 堆外内存).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheStats } from './cache.ts';

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

/** A Prometheus registry of its own (not prom-client's global one) and the server's counters. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'status'>;
  readonly snapshots: Counter;

  constructor(source: MetricsSource) {
    const registers = [this.registry];
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
        const caches = await source.caches();
        this.set({ cache: 'leak' }, caches.leak[field]);
        this.set({ cache: 'fixed' }, caches.fixed[field]);
      };
    new Gauge({
      name: 'memory_demo_cache_entries',
      help: 'Entries held by the /leak (unbounded) and /fixed (LRU) caches',
      labelNames: ['cache'],
      registers,
      collect: byCache('entries'),
    });
    new Gauge({
      name: 'memory_demo_cache_bytes',
      help: 'Bytes of response bodies held by each cache',
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
