/**
 * Helpers shared by the experiments, which run inside children started with `--expose-gc`.
 */
import { UnreachableError } from 'common';

/** `global.gc`, present only under `--expose-gc` (every experiment child has it). */
export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new UnreachableError('ERR_UNREACHABLE', 'experiment children run with --expose-gc');
  }
  gc();
}

/** `process.memoryUsage()` in bytes, the five fields §5.1.3 explains. */
export interface MemorySample {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** `process.memoryUsage()` now, the five fields only. */
export function memorySample(): MemorySample {
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapTotal, heapUsed, external, arrayBuffers };
}
