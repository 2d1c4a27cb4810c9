/**
 * `--cache redis` against a real redis-server (common/harness `RedisServer`: a free port, no
 * persistence, stopped by PID): entries with a TTL under the prefix, the process flat while
 * Redis holds the data, Redis going away and coming back, shutdown, bad URLs.
 */
import { PassThrough } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLogger } from 'common';
import {
  execMain,
  freePort,
  LineCollector,
  RedisServer,
  startMain,
  startServer,
  Teardown,
} from 'common/harness';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_CACHE_PREFIX, REDIS_CONNECTION_NAME } from '../src/constants.ts';
import { CacheError } from '../src/errors.ts';
import type { MetricsReport } from '../src/metrics.ts';
import { RedisResponseCache } from '../src/redis-cache.ts';
import { createMemoryServer, type MemoryServerOptions } from '../src/server.ts';
import { http } from './fixtures/http.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const MiB = 1024 * 1024;
const teardown = new Teardown();
afterEach(() => teardown.run());

async function startRedis(): Promise<RedisServer> {
  return teardown.add(await RedisServer.start(), (r) => r.stop());
}

/** A plain client of the test's own, to look at what the demo wrote. */
function inspector(redis: RedisServer): Redis {
  return teardown.add(new Redis(redis.url, { lazyConnect: false }), (c) => c.disconnect());
}

/** The server in this process, its log lines collected; resolves once the cache is connected. */
async function serve(options: Partial<MemoryServerOptions>) {
  const lines = new PassThrough();
  const log = new LineCollector(lines);
  const logger = createLogger({ name: 'memory-demo', format: 'json', destination: lines });
  const app = createMemoryServer({
    snapshotDir: join(tmpdir(), 'memory-demo-unused'),
    logger,
    ...options,
  });
  teardown.add(app, (a) => a.close());
  const s = teardown.add(await startServer(app), (x) => x.close());
  if (options.cache === 'redis') await log.waitFor('cache: connected to Redis', 10_000);
  const url = (path: string): string => s.url('http', path);
  const metrics = async (): Promise<MetricsReport> =>
    JSON.parse((await http(url('/metrics?format=json'))).body) as MetricsReport;
  return { app, url, log, metrics };
}

/**
 * heapUsed + arrayBuffers after full GCs: what this process holds, on and off the V8 heap. Two
 * collections a turn apart: V8 frees the backing stores of dead ArrayBuffers on a background
 * thread after a GC, and the next GC waits for that sweep to finish.
 */
async function heldBytes(): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  await setImmediate();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('server --cache redis (in this process)', () => {
  it('stores each body in Redis under the prefix with a PX TTL; /metrics shows Redis', async () => {
    const redis = await startRedis();
    const client = inspector(redis);
    await client.set('someone-else', 'untouched');
    const { url, metrics } = await serve({
      cache: 'redis',
      redisUrl: redis.url,
      responseSize: 1024,
      cacheTtl: 30_000,
    });
    expect((await http(url('/fixed?key=a'))).headers['x-cache']).toBe('miss');
    const hit = await http(url('/fixed?key=a'));
    expect(hit).toMatchObject({ status: 200, headers: { 'x-cache': 'hit' } });
    expect(hit.body).toBe('?key=a'.repeat(200).slice(0, 1024));
    for (let i = 0; i < 9; i += 1) await http(url(`/fixed?key=${i}`));

    const key = `${REDIS_CACHE_PREFIX}?key=a`;
    const pttl = await client.pttl(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(30_000);
    expect((await client.getBuffer(key))?.length).toBe(1024);
    const ours = await client.keys(`${REDIS_CACHE_PREFIX}*`);
    expect(ours).toHaveLength(10);
    expect(await client.get('someone-else')).toBe('untouched');

    const { fixed } = (await metrics()).caches;
    expect(fixed).toMatchObject({ kind: 'redis', entries: 10, bytes: 0, evictions: 0 });
    expect(fixed.redis).toMatchObject({ connected: true, keys: 10 });
    expect(fixed.redis?.usedMemory).toBeGreaterThan(10 * 1024);
    const text = (await http(url('/metrics'))).body;
    expect(text).toMatch(/^memory_demo_redis_up 1$/m);
    expect(text).toMatch(/^memory_demo_redis_keys 10$/m);
    expect(text).toMatch(/^memory_demo_redis_used_memory_bytes \d{6,}$/m);
  });

  it('keeps the process flat while Redis holds the bodies; the same load on /leak does not', async () => {
    const redis = await startRedis();
    const size = 64 * 1024;
    const n = 256; // 16 MiB of bodies per route
    const { url, metrics } = await serve({
      cache: 'redis',
      redisUrl: redis.url,
      responseSize: size,
      leakCap: 64 * MiB,
    });
    const redisBefore = (await metrics()).caches.fixed.redis!.usedMemory!;
    const before = await heldBytes();
    for (let i = 0; i < n; i += 1) await http(url(`/fixed?key=${i}`));
    const afterFixed = await heldBytes();
    for (let i = 0; i < n; i += 1) await http(url(`/leak?key=${i}`));
    const afterLeak = await heldBytes();

    const { caches } = await metrics();
    expect(caches.fixed.redis).toMatchObject({ connected: true, keys: n });
    expect(caches.fixed.redis!.usedMemory! - redisBefore).toBeGreaterThan(n * size);
    expect(caches.leak).toMatchObject({ entries: n, bytes: n * size });
    // The Map holds every body in this process (16 MiB, give or take the heap's own drift);
    // with Redis, less than a quarter of that stays.
    expect(afterLeak - afterFixed).toBeGreaterThan((n * size * 3) / 4);
    expect(afterFixed - before).toBeLessThan((n * size) / 4);
  });

  it('fails fast with a code: ERR_CACHE_UNAVAILABLE without Redis, ERR_CACHE_REFUSED when Redis refuses', async () => {
    const nowhere = new RedisResponseCache({ url: `redis://127.0.0.1:${await freePort()}` });
    teardown.add(nowhere, (c) => c.close());
    const unavailable = await nowhere.get('k').catch((err: unknown) => err);
    expect(unavailable).toBeInstanceOf(CacheError);
    expect(unavailable).toMatchObject({ code: 'ERR_CACHE_UNAVAILABLE', operation: 'GET' });
    expect(await nowhere.stats()).toMatchObject({
      kind: 'redis',
      entries: 0,
      redis: { connected: false, usedMemory: null, keys: null },
    });

    const redis = await startRedis();
    const client = inspector(redis);
    const lines = new PassThrough();
    const log = new LineCollector(lines);
    const cache = new RedisResponseCache({
      url: redis.url,
      prefix: 'test:a:',
      logger: createLogger({ name: 't', format: 'json', destination: lines }),
    });
    teardown.add(cache, (c) => c.close());
    await log.waitFor('cache: connected to Redis', 10_000);
    await cache.set('k', Buffer.from('v'));
    await client.set('test:b:k', 'other prefix');
    await cache.clear();
    expect(await client.keys('test:*')).toEqual(['test:b:k']);

    await client.config('SET', 'maxmemory', '1'); // below used_memory: writes get OOM
    const refused = await cache.set('k', Buffer.from('v')).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 'ERR_CACHE_REFUSED', operation: 'SET' });
    expect((refused as Error).message).toContain('OOM');
    expect(log.text).toContain('cache: Redis command failed; answering without the cache');
  });
});

describe('server --cache redis (as a process)', () => {
  it('answers while Redis is down (a warn line, X-Cache: unavailable) and caches again once it is back', async () => {
    const redis = await startRedis();
    const server = await startMain(MAIN, ['server', '--cache', 'redis', '--redis', redis.url]);
    teardown.add(server, (s) => s.stop('SIGKILL'));
    await server.stdout.waitFor('cache: connected to Redis', 10_000);
    const base = `http://127.0.0.1:${server.port}`;
    expect((await http(`${base}/fixed?key=1`)).headers['x-cache']).toBe('miss');

    await redis.stop();
    await server.stdout.waitFor('cache: lost the connection to Redis', 10_000);
    const during = await http(`${base}/fixed?key=1`);
    expect(during).toMatchObject({ status: 200, headers: { 'x-cache': 'unavailable' } });
    expect(during.body).toHaveLength(16 * 1024);
    expect((await http(`${base}/leak?key=1`)).status).toBe(200);
    expect((await http(`${base}/metrics`)).body).toMatch(
      /^memory_demo_cache_errors_total\{cache="redis",operation="GET",code="ERR_CACHE_UNAVAILABLE"\} 1$/m,
    );
    expect(server.child.exitCode).toBe(null);

    await redis.restart(); // same port, empty
    await server.stdout.waitFor('cache: reconnected to Redis', 15_000);
    expect((await http(`${base}/fixed?key=1`)).headers['x-cache']).toBe('miss');
    expect((await http(`${base}/fixed?key=1`)).headers['x-cache']).toBe('hit');
    expect(await server.stop('SIGTERM', 15_000)).toBe(0);
  });

  it('SIGTERM quits the Redis connection and exits 0', async () => {
    const redis = await startRedis();
    const client = inspector(redis);
    const server = await startMain(MAIN, ['server', '--cache', 'redis'], {
      env: { REDIS_URL: redis.url },
    });
    teardown.add(server, (s) => s.stop('SIGKILL'));
    await server.stdout.waitFor('cache: connected to Redis', 10_000);
    const named = async (): Promise<number> =>
      ((await client.client('LIST')) as string)
        .split('\n')
        .filter((l) => l.includes(`name=${REDIS_CONNECTION_NAME} `)).length;
    expect(await named()).toBe(1);
    expect(await server.stop('SIGTERM', 15_000)).toBe(0);
    expect(server.stdout.text).toContain('cache: Redis connection closed');
    expect(await named()).toBe(0);
  });

  it('--workers 2 share one cache: one connection per worker, none in the primary', async () => {
    const redis = await startRedis();
    const client = inspector(redis);
    const server = await startMain(MAIN, [
      'server',
      '--workers',
      '2',
      '--cache',
      'redis',
      '--redis',
      redis.url,
    ]);
    teardown.add(server, (s) => s.stop('SIGKILL'));
    const workers = new Set<number>(); // pids of the workers whose cache connected
    await server.stdout.waitFor((l) => {
      const { msg, pid } = JSON.parse(l) as { msg: string; pid: number };
      if (msg === 'cache: connected to Redis' && pid !== server.child.pid) workers.add(pid);
      return workers.size === 2;
    }, 15_000);
    const named = ((await client.client('LIST')) as string)
      .split('\n')
      .filter((l) => l.includes(`name=${REDIS_CONNECTION_NAME} `));
    expect(named).toHaveLength(2);
    // A new connection per request: the primary hands them to either worker; only the first misses.
    const base = `http://127.0.0.1:${server.port}`;
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i += 1)
      seen.push((await http(`${base}/fixed?key=shared`)).headers['x-cache']);
    expect(seen).toEqual(['miss', 'hit', 'hit', 'hit']);
    expect(await server.stop('SIGTERM', 15_000)).toBe(0);
  });

  it.each([
    [
      ['--redis', 'http://127.0.0.1:6379'],
      {},
      "--redis must be a redis:// or rediss:// URL (got 'http://127.0.0.1:6379')",
    ],
    [
      [],
      { REDIS_URL: 'localhost:6379' },
      "REDIS_URL must be a redis:// or rediss:// URL (got 'localhost:6379')",
    ],
  ])('server --cache redis %j %j exits 2 naming the problem', async (args, env, message) => {
    const r = await execMain(MAIN, ['server', '--cache', 'redis', ...args], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`memory-demo: ${message}`);
  });
});
