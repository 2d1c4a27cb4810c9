/**
 * memory-demo's errors: one class per concern, each with a closed set of codes. No error knows
 * about exit codes: `main.ts` maps them (common's `runMain`).
 */
import { NetlabError } from 'common';

/**
 * Codes of {@link ChildProcessError}:
 * - `ERR_CHILD_TIMEOUT`: the experiment's child ran past its timeout and was killed (SIGKILL);
 * - `ERR_CHILD_ABORTED`: the caller's signal aborted (Ctrl-C) and the child was killed;
 * - `ERR_CHILD_FAILED`: the child exited without reporting a result it should have (a bug in
 *   an experiment, a crash the demo did not expect);
 * - `ERR_CHILD_PROTOCOL`: a line on the result channel (fd 3) was not a valid message, or
 *   longer than the channel's line limit.
 */
export type ChildProcessErrorCode =
  'ERR_CHILD_TIMEOUT' | 'ERR_CHILD_ABORTED' | 'ERR_CHILD_FAILED' | 'ERR_CHILD_PROTOCOL';

/** An experiment child that did not deliver. `stderr` holds the tail of what it printed. */
export class ChildProcessError extends NetlabError<ChildProcessErrorCode> {
  constructor(
    code: ChildProcessErrorCode,
    message: string,
    readonly stderr = '',
  ) {
    super(code, message);
  }
}

/**
 * Codes of {@link HeapSnapshotError}:
 * - `ERR_SNAPSHOT_TOO_LARGE`: the file is larger than `maxSnapshotSize` (checked before and
 *   while parsing, so memory stays bounded);
 * - `ERR_SNAPSHOT_FORMAT`: not a V8 `.heapsnapshot` (bad header, a missing field in
 *   `snapshot.meta`, a character where a number belongs, counts that disagree with
 *   `node_count`/`edge_count`);
 * - `ERR_SNAPSHOT_TRUNCATED`: the input ended before the closing `}`.
 */
export type HeapSnapshotErrorCode =
  'ERR_SNAPSHOT_TOO_LARGE' | 'ERR_SNAPSHOT_FORMAT' | 'ERR_SNAPSHOT_TRUNCATED';

/** A heap snapshot that could not be parsed. */
export class HeapSnapshotError extends NetlabError<HeapSnapshotErrorCode> {}

/**
 * A job refused by a bounded queue because it is full (the book's bagpipe `refuse` policy,
 * §5.4.3). Code `ERR_QUEUE_FULL`; `statusCode` 503 is what a server answers with it.
 */
export class QueueFullError extends NetlabError<'ERR_QUEUE_FULL'> {
  readonly statusCode = 503;

  constructor(readonly maxQueue: number) {
    super('ERR_QUEUE_FULL', `queue full (${maxQueue} waiting): job refused`);
  }
}

/**
 * Codes of {@link LoadError}: `ERR_LOAD_TIMEOUT` (a request of the `load` command got no
 * response within `clientTimeout`), `ERR_METRICS_STATUS` (`/metrics` answered other than 200:
 * not the memory-demo server?).
 */
export type LoadErrorCode = 'ERR_LOAD_TIMEOUT' | 'ERR_METRICS_STATUS';

/** A failure of the `load` command's HTTP client. */
export class LoadError extends NetlabError<LoadErrorCode> {}

/**
 * Codes of {@link CacheError} (the `redis` cache; the in-process caches cannot fail):
 * - `ERR_CACHE_UNAVAILABLE`: no connection to Redis (down, reconnecting, or closed; commands
 *   are not queued while offline), the connection broke before the reply, or no reply came
 *   within `redisCommandTimeout`;
 * - `ERR_CACHE_REFUSED`: Redis answered with an error (e.g. `OOM` when it is at `maxmemory`
 *   with the `noeviction` policy).
 * The server answers the request without the cache (fail open: `X-Cache: unavailable`).
 */
export type CacheErrorCode = 'ERR_CACHE_UNAVAILABLE' | 'ERR_CACHE_REFUSED';

/** A cache command that failed; `operation` is the Redis command (`GET`, `SET`). */
export class CacheError extends NetlabError<CacheErrorCode> {
  constructor(
    code: CacheErrorCode,
    message: string,
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}
