/**
 * A parser of V8's `--trace-gc` lines (§5.5.1 "查看垃圾回收日志", `node --trace_gc`), pure.
 * Node 20 (V8 11.3) prints one line per collection:
 *
 * ```text
 * [13099:0x42872f30]  759 ms: Scavenge 11.1 (16.6) -> 10.2 (16.1) MB, 10.03 / 0.00 ms  (average mu = …) allocation failure;
 * [13099:0x42872f30]  832 ms: Mark-Compact 22.4 (53.2) -> 21.0 (53.9) MB, 16.51 / 0.01 ms  (+ 5.2 ms in 35 steps …) (average mu = …) finalize incremental marking via stack guard; …
 * ```
 *
 * `[pid:isolate]`, ms since the isolate started, the collector, heap used (committed) before →
 * after in MiB (printed as "MB"), the pause (main-thread ms) / external callbacks ms, then the reason. Every
 * isolate of the process prints (a loader thread's too), hence the isolate column.
 */

/** Which generation a collector works on (§5.1.4): young = new space, old = the whole heap. */
export type Generation = 'young' | 'old';

/** One collection. */
export interface TraceGcEvent {
  isolate: string;
  /** ms since the isolate started. */
  timeMs: number;
  /** `Scavenge`, `Mark-Compact`, `Mark-Compact (reduce)`, `Minor Mark-Compact`, … */
  collector: string;
  generation: Generation;
  /** Heap used before and after, MiB (V8 prints "MB" and divides by 1024²). */
  beforeMiB: number;
  afterMiB: number;
  pauseMs: number;
  /** The reason V8 gives (`allocation failure`, `testing` for `gc()`, `task`, …). */
  reason: string;
}

const LINE =
  /^\[\d+:(0x[0-9a-f]+)\]\s+(\d+) ms: ([A-Za-z -]+?(?: \(reduce\))?) ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms\s+(.*)$/;

/** Parses every trace line of `text`; other lines are ignored. */
export function parseTraceGc(text: string): TraceGcEvent[] {
  const events: TraceGcEvent[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (m === null) continue;
    const collector = m[3]!;
    events.push({
      isolate: m[1]!,
      timeMs: Number(m[2]),
      collector,
      generation: /^(Scavenge|Minor)/.test(collector) ? 'young' : 'old',
      beforeMiB: Number(m[4]),
      afterMiB: Number(m[5]),
      pauseMs: Number(m[6]),
      reason: reasonOf(m[7]!),
    });
  }
  return events;
}

/** The reason is the text after the last parenthesised group, up to `;`. */
function reasonOf(rest: string): string {
  const close = rest.lastIndexOf(')');
  return rest
    .slice(close + 1)
    .split(';')[0]!
    .trim();
}

/** True for a collection forced by `gc()` (`--expose-gc`): V8's reason `testing`. */
export function isForced(e: TraceGcEvent): boolean {
  return e.reason === 'testing';
}

/**
 * The collections of the measured phase: on the isolate that ran forced `gc()`s (the main
 * thread; a loader thread never calls `gc()`), strictly between its first and last forced one.
 * Empty when fewer than two forced collections were traced.
 */
export function measuredWindow(events: readonly TraceGcEvent[]): TraceGcEvent[] {
  const forced = events.filter(isForced);
  const isolate = forced[0]?.isolate;
  if (isolate === undefined) return [];
  const own = events.filter((e) => e.isolate === isolate);
  const first = own.findIndex(isForced);
  const last = own.findLastIndex(isForced);
  return first < last ? own.slice(first + 1, last) : [];
}

/** Count and pauses of a set of collections, ms. */
export interface PauseSummary {
  count: number;
  totalPauseMs: number;
  maxPauseMs: number;
}

/** Count, total and largest of `pauses` (ms), rounded to 0.01 ms. */
export function summarizePauses(pauses: readonly number[]): PauseSummary {
  let total = 0;
  let max = 0;
  for (const p of pauses) {
    total += p;
    max = Math.max(max, p);
  }
  return {
    count: pauses.length,
    totalPauseMs: Math.round(total * 100) / 100,
    maxPauseMs: Math.round(max * 100) / 100,
  };
}

/** Young- and old-generation collections of a trace, summarised. */
export function summarizeTrace(events: readonly TraceGcEvent[]): Record<Generation, PauseSummary> {
  const of = (g: Generation) =>
    summarizePauses(events.filter((e) => e.generation === g).map((e) => e.pauseMs));
  return { young: of('young'), old: of('old') };
}
