/**
 * The cache the book recommends at the end of §5.4.2 (慎将内存当做缓存): response bodies in
 * Redis, outside the process, each with a time to live (`SET key body PX cacheTtl`), so the
 * process's heap and Buffers stay flat however many entries there are, and every process that
 * talks to the same Redis shares one copy (§5.4.2: memory is not shared between processes).
 *
 * One ioredis connection. Redis going away never takes the server down:
 * - commands are not queued while offline (`enableOfflineQueue: false`) nor retried
 *   (`maxRetriesPerRequest: 0`): a GET or SET without a ready connection, whose connection
 *   breaks, or without a reply within `redisCommandTimeout` fails at once with a
 *   {@link CacheError}, and the caller answers without the cache;
 * - the connection reconnects by itself, 50 ms doubling to 2 s between attempts, each attempt
 *   bounded by `redisConnectTimeout`;
 * - the first failure of an outage is logged at `warn`, the rest at `debug`, the recovery at
 *   `info`.
 *
 * What bounds Redis's memory is Redis: the TTL (entries expire `cacheTtl` ms after they were
 * written), and `maxmemory` with an eviction policy on the Redis server. Keys are
 * `REDIS_CACHE_PREFIX` + the cache key: the demo never touches other keys.
 */
import {
  InvalidArgumentError,
  quitRedis,
  redactRedisUrl,
  redisReconnectDelay,
  resolveLimits,
  validateRedisUrl,
  silentLogger,
  type LimitOptions,
  type Logger,
} from 'common';
import { Redis } from 'ioredis';
import type { CacheStats, ResponseCache } from './cache.ts';
import {
  REDIS_CACHE_PREFIX,
  REDIS_CONNECTION_NAME,
  REDIS_SCAN_COUNT,
  REDIS_SCAN_MAX_CALLS,
} from './constants.ts';
import { CacheError } from './errors.ts';
import { limitsOf } from './limits.ts';

/** The limits a {@link RedisResponseCache} reads (a part of the package's one table). */
export const REDIS_CACHE_LIMITS = limitsOf(
  'cacheTtl',
  'redisCommandTimeout',
  'redisConnectTimeout',
);

/** Options of {@link RedisResponseCache}: `cacheTtl`, `redisCommandTimeout`, `redisConnectTimeout` (ms). */
export interface RedisCacheOptions extends LimitOptions<typeof REDIS_CACHE_LIMITS> {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  url: string;
  /** Prefix of every key. Default `REDIS_CACHE_PREFIX` (`netlab:memory-demo:cache:`). */
  prefix?: string | undefined;
  /** Connection lost and back, failed commands (see the module's TSDoc). Default: silent. */
  logger?: Logger | undefined;
}

/** See the module's TSDoc. Connects at once; {@link close} quits. */
export class RedisResponseCache implements ResponseCache<Buffer> {
  readonly kind = 'redis';
  readonly prefix: string;
  /** Time to live of every entry, ms (`PX`). */
  readonly ttlMs: number;
  readonly #client: Redis;
  readonly #logger: Logger;
  readonly #where: string;
  #everReady = false;
  /** This outage was logged at warn already (reset when Redis answers again). */
  #warned = false;
  #closing: Promise<void> | undefined;

  /**
   * @throws {InvalidArgumentError} (common) `ERR_INVALID_ARG_VALUE` for a URL that is not
   *   `redis://` or `rediss://`, or a prefix that is not a non-empty string;
   *   `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a limit outside the table.
   */
  constructor(options: RedisCacheOptions) {
    validateRedisUrl(options.url, 'url');
    const prefix = options.prefix ?? REDIS_CACHE_PREFIX;
    if (typeof prefix !== 'string' || prefix === '')
      throw new InvalidArgumentError(
        'ERR_INVALID_ARG_VALUE',
        'The option "prefix" must be a non-empty string: without one the cache would count and clear every key',
      );
    const limits = resolveLimits(REDIS_CACHE_LIMITS, options);
    this.prefix = prefix;
    this.ttlMs = limits.cacheTtl;
    this.#logger = options.logger ?? silentLogger();
    this.#where = redactRedisUrl(options.url);
    this.#client = new Redis(options.url, {
      connectionName: REDIS_CONNECTION_NAME,
      disableClientInfo: true,
      connectTimeout: limits.redisConnectTimeout,
      commandTimeout: limits.redisCommandTimeout,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: redisReconnectDelay,
    });
    this.#client.on('ready', () => {
      this.#warned = false;
      this.#logger.info(
        { redis: this.#where },
        this.#everReady ? 'cache: reconnected to Redis' : 'cache: connected to Redis',
      );
      this.#everReady = true;
    });
    this.#client.on('close', () => {
      if (this.#closing === undefined && this.#everReady && !this.#warned) {
        this.#warned = true;
        this.#logger.warn(
          { redis: this.#where },
          'cache: lost the connection to Redis; reconnecting (requests are answered without the cache)',
        );
      }
    });
    this.#client.on('error', (err: Error) =>
      this.#outage(err, 'cache: cannot reach Redis; reconnecting'),
    );
  }

  /** The connection is ready: commands are sent (otherwise they fail at once). */
  get connected(): boolean {
    return this.#client.status === 'ready';
  }

  /** The body cached under `key`, or `undefined`. @throws {CacheError} */
  async get(key: string): Promise<Buffer | undefined> {
    try {
      const body = await this.#client.getBuffer(this.prefix + key);
      this.#warned = false;
      return body ?? undefined;
    } catch (err) {
      throw this.#failure('GET', err);
    }
  }

  /** Stores `value` under `key` for `ttlMs` (`SET … PX`). @throws {CacheError} */
  async set(key: string, value: Buffer): Promise<void> {
    try {
      await this.#client.set(this.prefix + key, value, 'PX', this.ttlMs);
      this.#warned = false;
    } catch (err) {
      throw this.#failure('SET', err);
    }
  }

  /**
   * The cache's keys and Redis's memory, read now: `INFO memory` (O(1)) and a `SCAN` count of
   * the prefix (one round trip per {@link REDIS_SCAN_COUNT} keys of the whole database). Never
   * throws: while Redis is unreachable the figures are null and `entries` 0.
   */
  async stats(): Promise<CacheStats> {
    const down = { kind: this.kind, entries: 0, bytes: 0, evictions: 0 } as const;
    if (!this.connected)
      return { ...down, redis: { connected: false, usedMemory: null, keys: null } };
    try {
      const [info, keys] = await Promise.all([this.#client.info('memory'), this.#countKeys()]);
      const usedMemory = /^used_memory:(\d+)\r?$/m.exec(info)?.[1];
      return {
        ...down,
        entries: keys,
        redis: {
          connected: true,
          usedMemory: usedMemory === undefined ? null : Number(usedMemory),
          keys,
        },
      };
    } catch {
      return { ...down, redis: { connected: this.connected, usedMemory: null, keys: null } };
    }
  }

  /** Time to live left of an entry, ms (`PTTL`): -2 when there is none. @throws {CacheError} */
  async ttlOf(key: string): Promise<number> {
    try {
      return await this.#client.pttl(this.prefix + key);
    } catch (err) {
      throw this.#failure('PTTL', err);
    }
  }

  /** Deletes every key under the prefix (`SCAN` + `UNLINK`). @throws {CacheError} */
  async clear(): Promise<void> {
    try {
      await this.#scan((keys) => this.#client.unlink(...keys));
    } catch (err) {
      throw this.#failure('UNLINK', err);
    }
  }

  /** `QUIT` (Redis answers what is in flight first) within a bound, then drops the connection. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await quitRedis(this.#client);
      this.#logger.info({ redis: this.#where }, 'cache: Redis connection closed');
    })();
    return this.#closing;
  }

  async #countKeys(): Promise<number> {
    let keys = 0;
    await this.#scan(async (batch) => {
      keys += batch.length;
    });
    return keys;
  }

  /** Calls `each` with every non-empty batch of the prefix's keys, up to the scan bound. */
  async #scan(each: (keys: string[]) => Promise<unknown>): Promise<void> {
    const match = `${globEscape(this.prefix)}*`;
    let cursor = '0';
    for (let calls = 0; calls < REDIS_SCAN_MAX_CALLS; calls += 1) {
      const [next, keys] = await this.#client.scan(
        cursor,
        'MATCH',
        match,
        'COUNT',
        REDIS_SCAN_COUNT,
      );
      if (keys.length > 0) await each(keys);
      cursor = next;
      if (cursor === '0') return;
    }
  }

  /** A failed command as a {@link CacheError}, logged (see the module's TSDoc). */
  #failure(operation: string, err: unknown): CacheError {
    const cause = err instanceof Error ? err : new Error(String(err));
    const error =
      cause.name === 'ReplyError'
        ? new CacheError(
            'ERR_CACHE_REFUSED',
            `Redis refused ${operation}: ${cause.message}`,
            operation,
            { cause },
          )
        : new CacheError(
            'ERR_CACHE_UNAVAILABLE',
            `Redis ${operation} failed (${this.connected ? cause.message : 'not connected'})`,
            operation,
            { cause },
          );
    this.#outage(error, 'cache: Redis command failed; answering without the cache');
    return error;
  }

  #outage(err: Error, message: string): void {
    if (this.#closing !== undefined) return;
    if (this.#warned) {
      this.#logger.debug({ err, redis: this.#where }, message);
      return;
    }
    this.#warned = true;
    this.#logger.warn({ err, redis: this.#where }, message);
  }
}

/** `text` as a literal in a Redis glob pattern (`SCAN MATCH`): `* ? [ ] \` escaped. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
