/**
 * Every magic value of memory-demo, named, with where it comes from (book = 深入浅出Node.js,
 * chapter 5 内存控制). Option defaults and bounds are not here: they are in `limits.ts`.
 */

/** Default port of the leaking server (`server` demo). */
export const DEFAULT_PORT = 8090;

/** One mebibyte; V8's `--max-old-space-size` and `--max-semi-space-size` take MiB. */
export const MiB = 1024 * 1024;

/**
 * What V8 prints when the heap limit is reached (§5.1.2: "FATAL ERROR: … JavaScript heap out
 * of memory"); the `limit` and `stream` demos look for it on the child's stderr.
 */
export const V8_OOM_MESSAGE = 'JavaScript heap out of memory';

/** Exit status of a process that `abort()`ed (128 + SIGABRT 6), as a shell reports it. */
export const SIGABRT_EXIT_STATUS = 134;

/** The heap snapshot header (`{"snapshot":{"meta":…},`) is a few KiB; refuse more than 1 MiB. */
export const MAX_SNAPSHOT_HEADER_BYTES = 1024 * 1024;

/** Text allowed between two top-level arrays of a snapshot (`,\n"trace_tree":[`). */
export const MAX_SNAPSHOT_KEY_GAP = 4096;

/** Longest line accepted on the child → parent result channel (fd 3), in bytes. */
export const MAX_CHILD_MESSAGE_BYTES = 4 * 1024 * 1024;

/** File descriptor of the result channel in experiment children (stdin, stdout, stderr, then this). */
export const RESULT_FD = 3;

/** Confidence level of the slope intervals (§5.5: leak detection). */
export const SLOPE_CONFIDENCE = 0.95;

/** File name suffix DevTools expects when loading a snapshot (Memory panel → Load). */
export const SNAPSHOT_SUFFIX = '.heapsnapshot';

/**
 * Size of one iteration of the `leak` demo's cases: items created per iteration and the length
 * of each item's payload string. 200 × ~1 KiB ≈ 200 KiB of heap per iteration for a leaking
 * case, a hundred times the one or two KiB per iteration that a fixed case shows (measured).
 * Few, large items keep the forced GCs and the snapshots fast.
 */
export const LEAK_ITEMS_PER_ITERATION = 200;
/** Characters (one byte each) of a leak item's payload string. */
export const LEAK_PAYLOAD_CHARS = 1024;

/** The fixed `module-array` case keeps the last this many records (a ring), not all of them. */
export const RECENT_RECORDS = 200;

/** Bounds of the fixed `unbounded-cache` case: one iteration's worth of entries. */
export const LEAK_DEMO_CACHE = { maxEntries: 200, maxBytes: 256 * 1024, ttlMs: 60_000 } as const;

/**
 * The `slow-queue` case (§5.4.3): the downstream (the book's log database) completes this many
 * jobs per iteration while {@link LEAK_ITEMS_PER_ITERATION} arrive: half stay behind.
 */
export const QUEUE_DRAINED_PER_ITERATION = 100;

/** Bounds of the fixed `slow-queue` case: bagpipe's limit, queue length and timeout. */
export const LEAK_DEMO_QUEUE = { concurrency: 4, maxWaiting: 50, timeoutMs: 10_000 } as const;

/**
 * Redis address of `server --cache redis` when neither `--redis` nor `REDIS_URL` is given:
 * redis-server's default port on loopback.
 */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Every key the Redis cache writes starts with this (then the request's query string), so the
 * demo never reads, counts or deletes anything else a shared Redis holds.
 */
export const REDIS_CACHE_PREFIX = 'netlab:memory-demo:cache:';

/** `CLIENT SETNAME` of the cache's connection: it is recognisable in `CLIENT LIST`. */
export const REDIS_CONNECTION_NAME = 'netlab-memory-demo-cache';

/**
 * `SCAN … COUNT` hint when counting (or clearing) the cache's keys: keys Redis visits per
 * round trip. Counting costs one round trip per this many keys in the whole database.
 */
export const REDIS_SCAN_COUNT = 1_000;

/**
 * Most `SCAN` round trips of one count: 1,000 × {@link REDIS_SCAN_COUNT} keys visited (a
 * million). Past it the count stops and is a lower bound: a scrape must stay cheap.
 */
export const REDIS_SCAN_MAX_CALLS = 1_000;
