/**
 * Every size and every wait of memory-demo, once: the demos and the server resolve their
 * options from this table, the CLI builds each command's flags and `--help` from it
 * ({@link limitsOf}). Sizes in bytes (flags take `64m`, `1g`), times in ms.
 */
import type { LimitTable } from 'common';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** The table: key = option name, with default, bounds, unit, help and flag. */
export const LIMITS = {
  // Experiments (children)
  childTimeout: {
    default: 180_000,
    min: 1_000,
    max: 1_800_000,
    unit: 'ms',
    help: 'kill an experiment child (SIGKILL) still running after this long',
    flag: '--timeout',
  },
  maxChildOutput: {
    default: 64 * MiB,
    min: 64 * KiB,
    max: GiB,
    unit: 'bytes',
    help: "stdout and stderr kept per child (the gc demo's --trace-gc lines)",
    flag: false,
  },
  heapLimit: {
    default: 64 * MiB,
    min: 16 * MiB,
    max: 8 * GiB,
    unit: 'bytes',
    help: "the child's --max-old-space-size (limit, stream)",
  },
  bufferTotal: {
    default: GiB,
    min: 16 * MiB,
    max: 8 * GiB,
    unit: 'bytes',
    help: 'Buffers allocated under the same heap limit (limit)',
  },
  fileSize: {
    default: 256 * MiB,
    min: MiB,
    max: 8 * GiB,
    unit: 'bytes',
    help: 'size of the file copied; make it larger than --heap-limit (stream)',
  },
  gcObjects: {
    default: 1_000_000,
    min: 1_000,
    max: 20_000_000,
    unit: 'count',
    help: 'small objects allocated per pattern (gc)',
    flag: '--objects',
  },
  semiSpace: {
    default: undefined,
    min: MiB,
    max: 256 * MiB,
    unit: 'bytes',
    help: "the child's --max-semi-space-size, the young generation's half (gc)",
  },
  scopeBytes: {
    default: 16 * MiB,
    min: MiB,
    max: GiB,
    unit: 'bytes',
    help: 'size of the array each step allocates (scope)',
    flag: '--size',
  },
  iterations: {
    default: 40,
    min: 30,
    max: 1_000,
    unit: 'count',
    help: 'measured iterations per case, each followed by a full GC (leak)',
  },
  warmup: {
    default: 5,
    min: 0,
    max: 100,
    unit: 'count',
    help: 'iterations run before measuring (leak)',
  },
  further: {
    default: 10,
    min: 1,
    max: 1_000,
    unit: 'count',
    help: 'iterations between snapshots 2 and 3 (leak)',
  },
  leakThreshold: {
    default: 16 * KiB,
    min: 0,
    max: GiB,
    unit: 'bytes',
    help: 'heap slope per iteration above which a case leaks (leak)',
  },
  maxSnapshotSize: {
    default: 512 * MiB,
    min: MiB,
    max: 2 * GiB,
    unit: 'bytes',
    help: 'largest heap snapshot parsed (leak)',
  },
  // The server
  responseSize: {
    default: 16 * KiB,
    min: 1,
    max: MiB,
    unit: 'bytes',
    help: 'body of each /leak and /fixed response, cached under its URL',
  },
  leakCap: {
    default: 256 * MiB,
    min: MiB,
    max: 8 * GiB,
    unit: 'bytes',
    help: 'safety cap of the /leak cache: past it /leak answers 507 instead of growing',
  },
  cacheMaxEntries: {
    default: 1_000,
    min: 1,
    max: 10_000_000,
    unit: 'count',
    help: '/fixed LRU cache: most entries',
  },
  cacheMaxBytes: {
    default: 16 * MiB,
    min: 1,
    max: 4 * GiB,
    unit: 'bytes',
    help: '/fixed LRU cache: most bytes of bodies',
  },
  cacheTtl: {
    default: 60_000,
    min: 1,
    max: 86_400_000,
    unit: 'ms',
    help: '/fixed cache: an entry is stale after this long (LRU ttl; Redis SET … PX)',
  },
  redisCommandTimeout: {
    default: 1_000,
    min: 10,
    max: 60_000,
    unit: 'ms',
    help: '--cache redis: a GET or SET without a reply by then fails (the request is answered without the cache)',
  },
  redisConnectTimeout: {
    default: 2_000,
    min: 100,
    max: 60_000,
    unit: 'ms',
    help: '--cache redis: a connection attempt to Redis fails after this long (then the next one, backing off)',
  },
  maxSnapshots: {
    default: 3,
    min: 1,
    max: 50,
    unit: 'count',
    help: 'heap snapshots kept in the snapshot directory (the oldest is removed)',
  },
  requestTimeout: {
    default: 10_000,
    min: 100,
    max: 600_000,
    unit: 'ms',
    help: 'server.requestTimeout: a request not received in full by then gets 408',
  },
  keepAliveTimeout: {
    default: 5_000,
    min: 0,
    max: 600_000,
    unit: 'ms',
    help: 'server.keepAliveTimeout: idle keep-alive connections are closed after it',
  },
  // The load command
  duration: {
    default: 30_000,
    min: 100,
    max: 3_600_000,
    unit: 'ms',
    help: 'how long to send requests (load)',
  },
  concurrency: {
    default: 8,
    min: 1,
    max: 256,
    unit: 'count',
    help: 'requests in flight at once (load)',
  },
  maxRequests: {
    default: 1_000_000,
    min: 1,
    max: 100_000_000,
    unit: 'count',
    help: 'stop after this many requests even before --duration (load)',
    flag: '--requests',
  },
  pollInterval: {
    default: 500,
    min: 50,
    max: 60_000,
    unit: 'ms',
    help: 'how often /metrics is read and the chart redrawn (load)',
  },
  clientTimeout: {
    default: 5_000,
    min: 100,
    max: 600_000,
    unit: 'ms',
    help: 'a request without a response by then fails (load)',
  },
} as const satisfies LimitTable;

/** A limit's option name. */
export type LimitName = keyof typeof LIMITS;

/** The sub-table of the named limits (a command's flags), in the given order. */
export function limitsOf<K extends LimitName>(...names: K[]): Pick<typeof LIMITS, K> {
  return Object.fromEntries(names.map((n) => [n, LIMITS[n]])) as Pick<typeof LIMITS, K>;
}
