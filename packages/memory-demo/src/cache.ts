/**
 * Caches (§5.4.2 慎将内存当做缓存, "be careful using memory as a cache"): the leak, a `Map`
 * that only grows, and the fix, an LRU bounded by entries, bytes and age (lru-cache 11, the
 * library npm itself uses). Both behind one small async interface, which the out-of-process
 * cache the book recommends at the end of §5.4.2 implements too (`RedisResponseCache`,
 * [redis-cache.ts](./redis-cache.ts)).
 */
import { LRUCache } from 'lru-cache';

/** The cache implementations: {@link UnboundedCache}, {@link LruResponseCache}, `RedisResponseCache`. */
export type CacheKind = 'unbounded' | 'lru' | 'redis';

/** What a cache holds right now. */
export interface CacheStats {
  kind: CacheKind;
  /** Entries held (`redis`: keys under its prefix in Redis, counted with `SCAN`; 0 while unreachable). */
  entries: number;
  /**
   * Bytes held **in this process**, as counted by the cache's `sizeOf`. Always 0 for `redis`:
   * its bodies live in Redis (see {@link CacheStats.redis}).
   */
  bytes: number;
  /**
   * Entries dropped to stay within the bounds (evicted or expired); 0 for `unbounded`, and for
   * `redis`, where Redis expires entries itself (its `INFO stats` counts `expired_keys`).
   */
  evictions: number;
  /** Only for `redis`: the store outside the process. */
  redis?: RedisStoreStats;
}

/** What Redis reports, read at each `stats()` (a `/metrics` scrape). */
export interface RedisStoreStats {
  /** The connection is ready (commands are sent). */
  connected: boolean;
  /** `INFO memory` `used_memory`, bytes: all of that Redis server, not only this cache. Null while unreachable. */
  usedMemory: number | null;
  /** Keys under the cache's prefix (a `SCAN` count; a lower bound past a million keys). Null while unreachable. */
  keys: number | null;
}

/**
 * A cache of values by string key. Async although both in-process implementations answer at
 * once: a network cache cannot, and callers should not have to change when it arrives.
 */
export interface ResponseCache<V> {
  readonly kind: CacheKind;
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  stats(): Promise<CacheStats>;
  /** Drops every entry. */
  clear(): Promise<void>;
  /** Releases what the cache holds outside the heap (a connection); nothing for in-process caches. */
  close(): Promise<void>;
}

/** How many bytes a value counts for (a body's length, say). Must be a positive integer. */
export type SizeOf<V> = (value: V) => number;

/**
 * The leak (§5.4.2): a `Map` with no bound, no expiry, no eviction. Every distinct key stays
 * until the process dies; with keys taken from requests (a URL, a user id) it grows forever.
 */
export class UnboundedCache<V> implements ResponseCache<V> {
  readonly kind = 'unbounded';
  readonly #map = new Map<string, V>();
  readonly #sizeOf: SizeOf<V>;
  #bytes = 0;

  constructor(sizeOf: SizeOf<V>) {
    this.#sizeOf = sizeOf;
  }

  async get(key: string): Promise<V | undefined> {
    return this.#map.get(key);
  }

  async set(key: string, value: V): Promise<void> {
    const old = this.#map.get(key);
    if (old !== undefined) this.#bytes -= this.#sizeOf(old);
    this.#map.set(key, value);
    this.#bytes += this.#sizeOf(value);
  }

  async stats(): Promise<CacheStats> {
    return { kind: this.kind, entries: this.#map.size, bytes: this.#bytes, evictions: 0 };
  }

  async clear(): Promise<void> {
    this.#map.clear();
    this.#bytes = 0;
  }

  async close(): Promise<void> {}
}

/** Bounds of an {@link LruResponseCache}: all three apply. */
export interface LruBounds {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Most bytes kept (sum of `sizeOf`); a single value larger than this is not stored. */
  maxBytes: number;
  /** Age in ms after which an entry is stale and no longer returned. */
  ttlMs: number;
}

/**
 * The fix (§5.4.2): least-recently-used eviction with a bound on entries and on bytes, and a
 * time to live. lru-cache preallocates its index for `maxEntries`, so memory is bounded by
 * `maxEntries` slots plus `maxBytes` of values. Expired entries are dropped lazily when read
 * or evicted (no timer per entry: `ttlAutopurge` off).
 */
export class LruResponseCache<V extends NonNullable<unknown>> implements ResponseCache<V> {
  readonly kind = 'lru';
  readonly bounds: Readonly<LruBounds>;
  readonly #lru: LRUCache<string, V>;
  #evictions = 0;

  /** `clock`: where TTLs read the time, in ms (default `performance`); tests pass a fake one. */
  constructor(bounds: LruBounds, sizeOf: SizeOf<V>, clock?: { now(): number }) {
    this.bounds = { ...bounds };
    this.#lru = new LRUCache<string, V>({
      ...(clock === undefined ? {} : { perf: clock, ttlResolution: 0 }),
      max: bounds.maxEntries,
      maxSize: bounds.maxBytes,
      sizeCalculation: sizeOf,
      ttl: bounds.ttlMs,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict' || reason === 'expire') this.#evictions += 1;
      },
    });
  }

  async get(key: string): Promise<V | undefined> {
    return this.#lru.get(key);
  }

  async set(key: string, value: V): Promise<void> {
    this.#lru.set(key, value);
  }

  async stats(): Promise<CacheStats> {
    return {
      kind: this.kind,
      entries: this.#lru.size,
      bytes: this.#lru.calculatedSize,
      evictions: this.#evictions,
    };
  }

  async clear(): Promise<void> {
    this.#lru.clear();
  }

  async close(): Promise<void> {}
}
