/**
 * The `gc` experiment (§5.1.4 V8的垃圾回收机制): the same number of small objects allocated in
 * two patterns. Short-lived objects die in the new space and are collected by cheap Scavenges
 * (Cheney's copying of §5.1.4); long-lived ones survive two scavenges, are promoted (晋升) to the
 * old space and make V8 run Mark-Sweep/Mark-Compact. Two forced GCs (reason `testing` in
 * `--trace-gc`) bracket the measured phase, so the parent can cut the trace.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { forceGc } from './heap.ts';

/** The two allocation patterns, in the order they run. */
export const GC_PATTERNS = ['short-lived', 'long-lived'] as const;
/** One of {@link GC_PATTERNS}. */
export type GcPattern = (typeof GC_PATTERNS)[number];

/** Parameters from the parent. */
export interface GcParams {
  pattern: GcPattern;
  objects: number;
}

/** `PerformanceObserver` `gc` entry kinds (`perf_hooks.constants.NODE_PERFORMANCE_GC_*`). */
export type GcKindName = 'minor' | 'major' | 'incremental' | 'weakcb';

/** One `gc` performance entry, ms. */
export interface ObservedGc {
  kind: GcKindName;
  startMs: number;
  durationMs: number;
}

/** What the child reports. */
export interface GcResult {
  pattern: GcPattern;
  objects: number;
  /** Wall time of the allocation phase, ms. */
  durationMs: number;
  /** GCs seen by a `PerformanceObserver` during the phase (the bracketing GCs excluded). */
  observed: ObservedGc[];
  /** `space_used_size` of each heap space before and after the phase (before the last GC). */
  spacesBefore: Record<string, number>;
  spacesAfter: Record<string, number>;
}

const KINDS: Record<number, GcKindName> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

function spaces(): Record<string, number> {
  return Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
}

/** Short-lived: each object escapes into a 16-slot ring (so the JIT cannot elide it) and dies. */
function shortLived(n: number): number {
  const ring: { i: number; s: string }[] = [];
  let sum = 0;
  for (let i = 0; i < n; i += 1) {
    const o = { i, s: String(i) };
    ring[i & 15] = o;
    sum += o.s.length;
  }
  return sum + ring.length;
}

/** Long-lived: every object is kept until the end of the phase. */
function longLived(n: number): number {
  const kept: { i: number; s: string }[] = [];
  for (let i = 0; i < n; i += 1) kept.push({ i, s: String(i) });
  return kept.length;
}

/** Runs one pattern between two forced GCs. */
export async function run(params: GcParams): Promise<GcResult> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  forceGc();
  const spacesBefore = spaces();
  const t0 = performance.now();
  const kept =
    params.pattern === 'short-lived' ? shortLived(params.objects) : longLived(params.objects);
  const t1 = performance.now();
  const spacesAfter = spaces();
  forceGc();
  // gc entries are delivered asynchronously: two turns of the event loop flush them.
  await nextTurn();
  await nextTurn();
  observer.disconnect();
  const observed = entries
    .filter((e) => e.startTime >= t0 && e.startTime <= t1)
    .map((e) => ({
      kind: KINDS[(e as PerformanceEntry & { detail: { kind: number } }).detail.kind] ?? 'major',
      startMs: e.startTime - t0,
      durationMs: e.duration,
    }));
  return {
    pattern: params.pattern,
    objects: kept > 0 ? params.objects : 0,
    durationMs: t1 - t0,
    observed,
    spacesBefore,
    spacesAfter,
  };
}
