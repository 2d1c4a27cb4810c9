/**
 * The `server` demo: an HTTP server that leaks on purpose, next to its fix, so the leak can be
 * watched with real tools (§5.4–5.5). Each `GET /leak?key=K` and `GET /fixed?key=K` renders a
 * body and caches it under the URL: `/leak` in a `Map` that never forgets (§5.4.2), `/fixed` in
 * a bounded LRU or, with `cache: 'redis'`, in Redis with a TTL (the book's advice at the end of
 * §5.4.2). `/metrics` reports memory and both caches (JSON or Prometheus text), `POST
 * /snapshot` writes a heap snapshot for DevTools. No request may carry a body.
 *
 * A cache that fails (Redis down, a command timed out) does not fail the request: the body is
 * rendered as on a miss and sent with `X-Cache: unavailable` (fail open: a cache only saves
 * work), and `memory_demo_cache_errors_total` counts it; the cache logs the outage.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  closeIdleHttpConnections,
  ConnectionTracker,
  resolveLimits,
  silentLogger,
  type LimitOptions,
  type LimitValues,
  type Logger,
  type NetlabServer,
  validateOneOf,
} from 'common';
import { LruResponseCache, UnboundedCache, type ResponseCache } from './cache.ts';
import { DEFAULT_REDIS_URL } from './constants.ts';
import { CacheError } from './errors.ts';
import { limitsOf } from './limits.ts';
import { processMemory, ServerMetrics, type MetricsReport } from './metrics.ts';
import { RedisResponseCache } from './redis-cache.ts';
import { SnapshotFolder, type SnapshotWritten } from './snapshots.ts';

/** The server's limits (a part of the package's one table). */
export const SERVER_LIMITS = limitsOf(
  'responseSize',
  'leakCap',
  'cacheMaxEntries',
  'cacheMaxBytes',
  'cacheTtl',
  'redisCommandTimeout',
  'redisConnectTimeout',
  'maxSnapshots',
  'requestTimeout',
  'keepAliveTimeout',
);

/** What can back `/fixed`: the in-process LRU, or Redis. */
export const FIXED_CACHE_KINDS = ['lru', 'redis'] as const;
export type FixedCacheKind = (typeof FIXED_CACHE_KINDS)[number];

/** Options of {@link createMemoryServer}: the limits above, the `/fixed` cache, where snapshots go. */
export interface MemoryServerOptions extends LimitOptions<typeof SERVER_LIMITS> {
  /** Folder for heap snapshots (created on the first one). */
  snapshotDir: string;
  /** The `/fixed` cache: `lru` (default; `cacheMaxEntries`, `cacheMaxBytes`, `cacheTtl`) or `redis` (`cacheTtl`). */
  cache?: FixedCacheKind | undefined;
  /** Redis for `cache: 'redis'`: `redis://` or `rediss://`. Default `redis://127.0.0.1:6379`. */
  redisUrl?: string | undefined;
  logger?: Logger | undefined;
}

const sizeOf = (body: Buffer): number => body.length;

/** See the module's TSDoc. Create it with {@link createMemoryServer}; `main.ts` serves it. */
export class MemoryServer implements NetlabServer<Server> {
  readonly server: Server;
  readonly connections = new ConnectionTracker();
  readonly scheme = 'http';
  readonly limits: LimitValues<typeof SERVER_LIMITS>;
  /** The leak: unbounded (past `leakCap` bytes `/leak` answers 507 rather than take the machine). */
  readonly leakCache: ResponseCache<Buffer>;
  /** The fix: LRU with `cacheMaxEntries`, `cacheMaxBytes` and `cacheTtl`, or Redis with `cacheTtl`. */
  readonly fixedCache: ResponseCache<Buffer>;
  readonly snapshots: SnapshotFolder;
  readonly metrics: ServerMetrics;
  readonly #logger: Logger;
  readonly #started = Date.now();
  #draining = false;

  constructor(options: MemoryServerOptions) {
    this.limits = resolveLimits(SERVER_LIMITS, options);
    this.#logger = options.logger ?? silentLogger();
    const kind = validateOneOf(options.cache ?? 'lru', 'cache', FIXED_CACHE_KINDS);
    this.leakCache = new UnboundedCache(sizeOf);
    this.fixedCache =
      kind === 'redis'
        ? new RedisResponseCache({
            url: options.redisUrl ?? DEFAULT_REDIS_URL,
            logger: this.#logger,
            cacheTtl: this.limits.cacheTtl,
            redisCommandTimeout: this.limits.redisCommandTimeout,
            redisConnectTimeout: this.limits.redisConnectTimeout,
          })
        : new LruResponseCache(
            {
              maxEntries: this.limits.cacheMaxEntries,
              maxBytes: this.limits.cacheMaxBytes,
              ttlMs: this.limits.cacheTtl,
            },
            sizeOf,
          );
    this.snapshots = new SnapshotFolder(options.snapshotDir, this.limits.maxSnapshots);
    this.metrics = new ServerMetrics(
      { caches: () => this.#cacheStats() },
      { redis: kind === 'redis' },
    );
    this.server = createServer({
      requestTimeout: this.limits.requestTimeout,
      keepAliveTimeout: this.limits.keepAliveTimeout,
    });
    this.connections.attach(this.server);
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#route(req, res).catch((err: unknown) => {
        this.#logger.error({ err }, 'request failed');
        if (!res.headersSent) this.#send(res, 'error', 500, 'text/plain', 'internal error\n');
        else res.destroy();
      });
    });
  }

  /**
   * Graceful shutdown after `server.close()`: new responses carry `Connection: close`, idle
   * keep-alive sockets are closed as they become idle (common's `closeIdleHttpConnections`);
   * then, with no request left to need it (or at the deadline), the Redis connection quits.
   */
  async drain(signal: AbortSignal): Promise<void> {
    this.#draining = true;
    await closeIdleHttpConnections(this.server, this.connections, signal);
    await this.close();
  }

  /** Releases the caches' connections (Redis `QUIT`); `drain` calls it. Idempotent. */
  async close(): Promise<void> {
    await Promise.all([this.leakCache.close(), this.fixedCache.close()]);
  }

  /** Writes a heap snapshot into the folder (see {@link SnapshotFolder.write}). */
  async writeSnapshot(): Promise<SnapshotWritten> {
    const written = await this.snapshots.write();
    this.metrics.snapshots.inc();
    this.#logger.info(
      {
        path: written.path,
        bytes: written.bytes,
        ms: Math.round(written.durationMs),
        removed: written.removed,
      },
      'heap snapshot written (load it in Chrome DevTools: Memory → Load)',
    );
    return written;
  }

  /** Memory and caches, the JSON `/metrics`. */
  async report(): Promise<MetricsReport> {
    return {
      memory: processMemory(),
      caches: await this.#cacheStats(),
      snapshots: { dir: this.snapshots.dir, max: this.snapshots.max },
      uptimeMs: Date.now() - this.#started,
    };
  }

  async #cacheStats() {
    return { leak: await this.leakCache.stats(), fixed: await this.fixedCache.stats() };
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#draining) res.setHeader('Connection', 'close');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname;
    if (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') {
      return this.#refuseBody(req, res, route);
    }
    if (req.headers['transfer-encoding'] !== undefined) return this.#refuseBody(req, res, route);
    const method = req.method ?? 'GET';
    const allow = route === '/snapshot' ? 'POST' : 'GET, HEAD';
    const known = ['/', '/leak', '/fixed', '/metrics', '/snapshot'].includes(route);
    if (!known) return this.#send(res, 'other', 404, 'text/plain', `no route for ${route}\n`);
    if (!allow.split(', ').includes(method)) {
      res.setHeader('Allow', allow);
      return this.#send(res, route, 405, 'text/plain', `${method} not allowed on ${route}\n`);
    }
    switch (route) {
      case '/':
        return this.#send(res, route, 200, 'text/plain', INDEX);
      case '/leak':
        return this.#cached(res, route, url, this.leakCache, true);
      case '/fixed':
        return this.#cached(res, route, url, this.fixedCache, false);
      case '/metrics': {
        const json =
          url.searchParams.get('format') === 'json' || /\bjson\b/.test(req.headers.accept ?? '');
        if (json) return this.#json(res, route, 200, await this.report());
        const { body, contentType } = await this.metrics.text();
        return this.#send(res, route, 200, contentType, body);
      }
      case '/snapshot':
        return this.#json(res, route, 201, await this.writeSnapshot());
      default:
        return this.#send(res, 'other', 404, 'text/plain', `no route for ${route}\n`);
    }
  }

  async #cached(
    res: ServerResponse,
    route: string,
    url: URL,
    cache: ResponseCache<Buffer>,
    capped: boolean,
  ): Promise<void> {
    const key = url.search; // the query string: every distinct one is a new entry
    let failed = false;
    let hit: Buffer | undefined;
    try {
      hit = await cache.get(key);
    } catch (err) {
      failed = this.#cacheFailed(cache, err);
    }
    if (hit !== undefined) {
      res.setHeader('X-Cache', 'hit');
      return this.#send(res, route, 200, 'application/octet-stream', hit);
    }
    if (capped && (await cache.stats()).bytes + this.limits.responseSize > this.limits.leakCap) {
      return this.#json(res, route, 507, {
        error: 'leak cap reached: the demo stops growing here (restart the server to reset it)',
        leakCap: this.limits.leakCap,
      });
    }
    // Over the Buffer pool size (4 KiB) a body is its own allocation outside the V8 heap.
    const body = Buffer.alloc(this.limits.responseSize, key || '.');
    // After a failed GET the SET is skipped: Redis is most likely down, and it would fail too.
    if (!failed) {
      try {
        await cache.set(key, body);
      } catch (err) {
        failed = this.#cacheFailed(cache, err);
      }
    }
    res.setHeader('X-Cache', failed ? 'unavailable' : 'miss');
    return this.#send(res, route, 200, 'application/octet-stream', body);
  }

  /** Counts a {@link CacheError} (the cache logged it) and returns true; rethrows anything else. */
  #cacheFailed(cache: ResponseCache<Buffer>, err: unknown): true {
    if (!(err instanceof CacheError)) throw err;
    this.metrics.cacheErrors.inc({ cache: cache.kind, operation: err.operation, code: err.code });
    return true;
  }

  #refuseBody(req: IncomingMessage, res: ServerResponse, route: string): void {
    res.setHeader('Connection', 'close');
    this.#send(res, route, 413, 'text/plain', 'this server takes no request body\n');
    req.resume();
  }

  #json(res: ServerResponse, route: string, status: number, value: unknown): void {
    this.#send(res, route, status, 'application/json', `${JSON.stringify(value)}\n`);
  }

  #send(
    res: ServerResponse,
    route: string,
    status: number,
    type: string,
    body: string | Buffer,
  ): void {
    this.metrics.requests.inc({ route, status: String(status) });
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }
}

const INDEX = `memory-demo server (深入浅出Node.js ch. 5):
  GET  /leak?key=K     cached forever in a Map (the leak)
  GET  /fixed?key=K    cached in a bounded LRU, or in Redis with a TTL (the fix)
  GET  /metrics        Prometheus text; ?format=json or Accept: application/json for JSON
  POST /snapshot       write a heap snapshot (also: kill -USR2 <pid>)
`;

/**
 * Creates the leaking server, not yet listening.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a limit out of
 *   its bounds (see `limits.ts`).
 */
export function createMemoryServer(options: MemoryServerOptions): MemoryServer {
  return new MemoryServer(options);
}
