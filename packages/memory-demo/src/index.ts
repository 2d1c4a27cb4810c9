/**
 * memory-demo: chapter 5 (内存控制) of 深入浅出Node.js as runnable demos. Each demo is a
 * function that runs its experiment in a child process and resolves with plain data; the CLI
 * (`src/main.ts`) prints it. The pieces worth reusing are exported too: the bounded cache and
 * queue, the slope statistics, the heap snapshot parser and the three-snapshot diff.
 */
export {
  runUsageDemo,
  formatUsage,
  MEMORY_USAGE_FIELDS,
  type UsageReport,
  type UsageRun,
} from './demos/usage.ts';
export { runLimitDemo, formatLimit, limitChart, type LimitReport } from './demos/limit.ts';
export { runGcDemo, formatGc, gcChart, type GcReport, type GcPatternReport } from './demos/gc.ts';
export {
  runScopeDemo,
  formatScope,
  scopeChart,
  type ScopeReport,
  type ScopeStepReport,
} from './demos/scope.ts';
export {
  runLeakDemo,
  diffSnapshotFiles,
  type LeakReport,
  type LeakCaseReport,
  type LeakDemoOptions,
  type DiffReport,
  type Slope,
} from './demos/leak.ts';
export { formatLeak, formatDiff, leakChart } from './demos/leak-print.ts';
export {
  runStreamDemo,
  formatStream,
  streamChart,
  type StreamReport,
  type StreamModeReport,
} from './demos/stream.ts';
export type { DemoOptions, ChildExit } from './demos/common.ts';
export { DEMOS, type DemoInfo } from './demos/index.ts';
export {
  LEAK_CASES,
  LEAK_VARIANTS,
  type LeakCaseName,
  type LeakVariant,
} from './experiments/leak-subjects.ts';

export {
  UnboundedCache,
  LruResponseCache,
  type ResponseCache,
  type CacheKind,
  type CacheStats,
  type RedisStoreStats,
  type LruBounds,
  type SizeOf,
} from './cache.ts';
export { RedisResponseCache, REDIS_CACHE_LIMITS, type RedisCacheOptions } from './redis-cache.ts';
export {
  UnboundedQueue,
  BoundedQueue,
  type WorkQueue,
  type QueueBounds,
  type QueueStats,
  type Worker,
} from './queue.ts';

export { linearFit, isLeaking, studentTQuantile, type LinearFit } from './analysis/stats.ts';
export {
  diffSnapshots,
  snapshotIds,
  newIds,
  type SnapshotDiff,
  type SurvivorGroup,
} from './analysis/snapshot-diff.ts';
export { Dominators, ShortestPaths } from './analysis/retainers.ts';
export {
  parseTraceGc,
  measuredWindow,
  summarizeTrace,
  type TraceGcEvent,
} from './analysis/trace-gc.ts';
export { HeapSnapshotParser, type HeapSnapshotParserOptions } from './protocol/heap-snapshot.ts';
export { HeapSnapshot } from './protocol/heap-graph.ts';
export { readHeapSnapshot } from './snapshot-file.ts';

export {
  createMemoryServer,
  MemoryServer,
  SERVER_LIMITS,
  FIXED_CACHE_KINDS,
  type FixedCacheKind,
  type MemoryServerOptions,
} from './server.ts';
export { SnapshotFolder, type SnapshotWritten } from './snapshots.ts';
export { processMemory, type MetricsReport, type ProcessMemory } from './metrics.ts';
export {
  runLoad,
  fetchMetrics,
  type LoadOptions,
  type LoadReport,
  type LoadSample,
} from './load.ts';
export { runChild, withTempDir, type ChildOutcome, type RunChildOptions } from './child/run.ts';
export { LIMITS } from './limits.ts';
export {
  ChildProcessError,
  HeapSnapshotError,
  QueueFullError,
  LoadError,
  CacheError,
  type CacheErrorCode,
  type ChildProcessErrorCode,
  type HeapSnapshotErrorCode,
  type LoadErrorCode,
} from './errors.ts';
