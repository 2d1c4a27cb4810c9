/**
 * Every size, count and wait of the demos, once: default, bounds, unit, help line. One table per
 * demo that has them; `main.ts` builds the flags and `--help` from the same tables
 * (`limitFlags`, `readLimitFlags`, `limitsHelp`) and the demo functions validate their options
 * against them (`resolveLimits`), so the CLI and the library accept exactly the same values.
 */
import type { LimitTable } from 'common';

/** `highwatermark` (§6.4.1): the generated file and how often each setting is read. */
export const HIGHWATERMARK_LIMITS = {
  size: {
    default: 256 * 1024 * 1024,
    min: 1,
    max: 8 * 1024 ** 3,
    unit: 'bytes',
    help: 'size of the generated file read at each highWaterMark',
  },
  runs: {
    default: 3,
    min: 1,
    max: 50,
    unit: 'count',
    help: 'reads per setting; the table shows the median',
  },
} as const satisfies LimitTable;

/** `static-content` (§6.4): the autocannon load against each route. */
export const STATIC_CONTENT_LIMITS = {
  duration: {
    default: 3_000,
    min: 100,
    max: 600_000,
    unit: 'ms',
    help: 'autocannon run per route and connection mode',
  },
  connections: {
    default: 50,
    min: 1,
    max: 1_000,
    unit: 'count',
    help: 'concurrent autocannon connections',
  },
  runs: {
    default: 3,
    min: 1,
    max: 50,
    unit: 'count',
    help: 'alternated runs per route; the table shows medians',
  },
  traceRequests: {
    default: 2_000,
    min: 1,
    max: 1_000_000,
    unit: 'count',
    flag: false,
    help: 'requests per route timed at the socket handle (writev) for the explanation',
  },
  startTimeout: {
    default: 20_000,
    min: 100,
    max: 600_000,
    unit: 'ms',
    flag: false,
    help: 'how long the child server may take to report its port',
  },
} as const satisfies LimitTable;

/** `concat` (§6.3.3): the chunks concatenated. */
export const CONCAT_LIMITS = {
  chunks: {
    default: 100_000,
    min: 1,
    max: 10_000_000,
    unit: 'count',
    help: 'number of chunks concatenated',
  },
  chunkSize: {
    default: 64,
    min: 1,
    max: 1024 * 1024,
    unit: 'bytes',
    help: 'bytes per chunk (cut anywhere, as a stream cuts them)',
  },
  runs: {
    default: 5,
    min: 1,
    max: 50,
    unit: 'count',
    help: 'timed runs per strategy; the table shows the median',
  },
} as const satisfies LimitTable;

/** `allocation` (§6.1.3): how many messages each retention scenario keeps a slice of. */
export const ALLOCATION_LIMITS = {
  retained: {
    default: 1_000,
    min: 1,
    max: 100_000,
    unit: 'count',
    help: 'messages per retention scenario (one 10-byte slice kept of each)',
  },
} as const satisfies LimitTable;

/** What `--quick` changes (the long demos), unless the flag itself is given. */
export const QUICK = {
  highwatermark: { size: 32 * 1024 * 1024, runs: 1 },
  staticContent: { duration: 1_000, runs: 1, connections: 50 },
  concat: { runs: 1 },
} as const;
