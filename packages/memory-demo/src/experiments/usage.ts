/**
 * The `usage` experiment (§5.1.3 查看内存使用情况): what a process can see of its own memory,
 * read inside a child whose heap limit the parent chose.
 */
import { freemem, totalmem } from 'node:os';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { memorySample, type MemorySample } from './heap.ts';

/** One V8 heap space (`v8.getHeapSpaceStatistics()`), bytes. */
export interface HeapSpace {
  name: string;
  size: number;
  used: number;
  available: number;
  physical: number;
}

/** What the child reports (bytes). */
export interface UsageResult {
  memoryUsage: MemorySample;
  os: { totalmem: number; freemem: number };
  /** `v8.getHeapStatistics()`, as V8 names the fields (bytes, except the counts). */
  heapStatistics: Record<string, number>;
  heapSpaces: HeapSpace[];
  /** The flags the child really ran with (`process.execArgv`, the tsx loader left out). */
  execArgv: string[];
}

/** Reads everything at once, in the child. */
export async function run(): Promise<UsageResult> {
  return {
    memoryUsage: memorySample(),
    os: { totalmem: totalmem(), freemem: freemem() },
    heapStatistics: { ...getHeapStatistics() } as unknown as Record<string, number>,
    heapSpaces: getHeapSpaceStatistics().map((s) => ({
      name: s.space_name,
      size: s.space_size,
      used: s.space_used_size,
      available: s.space_available_size,
      physical: s.physical_space_size,
    })),
    execArgv: process.execArgv.filter((a, i, all) => a !== '--import' && all[i - 1] !== '--import'),
  };
}
