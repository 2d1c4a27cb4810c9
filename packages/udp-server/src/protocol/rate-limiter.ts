/**
 * Per-source token buckets: the server's answer to being used as a traffic reflector. Pure: the
 * time is passed in (ms on a monotonic clock, e.g. `performance.now()`), no timers, no I/O.
 *
 * A source (an IP address) owns a bucket of `burst` tokens, refilled at `rate` tokens per
 * second; each datagram takes one token, and a datagram that finds the bucket empty is dropped.
 * Over any interval of `t` seconds a source gets at most `burst + rate × t` datagrams through.
 *
 * Memory is bounded: at most `maxSources` buckets. A bucket that has been idle long enough to
 * be full again is the same as no bucket (a new source starts full), so forgetting it changes
 * nothing: a few of the least recently seen are swept on every call. When the table is full of
 * buckets that are not full, the least recently seen one is evicted anyway (counted in
 * {@link RateLimiterStats.evictedActive}); that source starts over with a full bucket, so a
 * flood from more than `maxSources` addresses (spoofed ones, typically) can get up to `burst`
 * extra datagrams per address through. Raise `maxSources` if that counter grows.
 */
import { validateInteger } from 'common';
import { LIMITS } from '../limits.ts';

/** Options of {@link RateLimiter}; see `LIMITS` for the bounds. */
export interface RateLimiterOptions {
  /** Tokens added per second (datagrams per second allowed in the long run). */
  rate: number;
  /** Bucket size: how many datagrams a source may send at once after being idle. */
  burst: number;
  /** Most buckets kept at once (each about 100 bytes of heap). */
  maxSources: number;
}

/** What {@link RateLimiter.stats} reports. */
export interface RateLimiterStats {
  /** Buckets held now (≤ `maxSources`). */
  tracked: number;
  /** Buckets forgotten because they were full again (no effect on limiting). */
  evictedIdle: number;
  /** Buckets evicted while not full, to make room: those sources got a fresh burst. */
  evictedActive: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  updatedAt: number;
}

/** Least recently seen buckets checked for idleness on each {@link RateLimiter.take}. */
const SWEEP_PER_TAKE = 2;

/** Token buckets keyed by source address; see the module comment. */
export class RateLimiter {
  readonly rate: number;
  readonly burst: number;
  readonly maxSources: number;
  /** Insertion order is recency: the first entry is the least recently seen source. */
  readonly #buckets = new Map<string, Bucket>();
  #evictedIdle = 0;
  #evictedActive = 0;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for an option
   *   outside `LIMITS`.
   */
  constructor(options: RateLimiterOptions) {
    const { rate, burst, maxSources } = LIMITS;
    this.rate = validateInteger(options.rate, 'rate', rate);
    this.burst = validateInteger(options.burst, 'burst', burst);
    this.maxSources = validateInteger(options.maxSources, 'maxSources', maxSources);
  }

  /**
   * Takes one token from `source`'s bucket at time `now` (ms). Returns true when the datagram
   * may be served, false when it must be dropped. A time earlier than the bucket's last update
   * (a clock that went backwards) refills nothing.
   */
  take(source: string, now: number): boolean {
    // Sweep first: it may forget this source's bucket too, if it is full (same as a new one).
    this.#sweep(now);
    let bucket = this.#buckets.get(source);
    if (bucket === undefined) {
      this.#makeRoom(now);
      bucket = { tokens: this.burst, updatedAt: now };
    } else {
      this.#refill(bucket, now);
      this.#buckets.delete(source); // re-inserted below: now the most recently seen
    }
    this.#buckets.set(source, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Tokens `source` has at `now` (whole datagrams it may still send), without taking any. */
  available(source: string, now: number): number {
    const bucket = this.#buckets.get(source);
    if (bucket === undefined) return this.burst;
    return Math.floor(this.#tokensAt(bucket, now));
  }

  /** Counters for logs and tests. */
  get stats(): RateLimiterStats {
    return {
      tracked: this.#buckets.size,
      evictedIdle: this.#evictedIdle,
      evictedActive: this.#evictedActive,
    };
  }

  #tokensAt(bucket: Bucket, now: number): number {
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return Math.min(this.burst, bucket.tokens + (elapsed * this.rate) / 1000);
  }

  #refill(bucket: Bucket, now: number): void {
    bucket.tokens = this.#tokensAt(bucket, now);
    bucket.updatedAt = Math.max(now, bucket.updatedAt);
  }

  /** Forgets up to {@link SWEEP_PER_TAKE} least recently seen buckets that are full again. */
  #sweep(now: number): void {
    let checked = 0;
    for (const [source, bucket] of this.#buckets) {
      if (checked === SWEEP_PER_TAKE || this.#tokensAt(bucket, now) < this.burst) return;
      this.#buckets.delete(source);
      this.#evictedIdle += 1;
      checked += 1;
    }
  }

  /** Evicts least recently seen buckets until a new one fits. */
  #makeRoom(now: number): void {
    for (const [source, bucket] of this.#buckets) {
      if (this.#buckets.size < this.maxSources) return;
      if (this.#tokensAt(bucket, now) >= this.burst) this.#evictedIdle += 1;
      else this.#evictedActive += 1;
      this.#buckets.delete(source);
    }
  }
}
