/**
 * What every demo shares: its options for the experiment children, and how a child's death
 * by V8's out-of-memory abort is recognised.
 */
import { V8_OOM_MESSAGE } from '../constants.ts';
import type { ChildOutcome } from '../child/run.ts';
import { LIMITS } from '../limits.ts';

/** Options every demo takes. */
export interface DemoOptions {
  /** Aborting (Ctrl-C) kills the running child; the demo rejects with `ERR_CHILD_ABORTED`. */
  signal?: AbortSignal | undefined;
  /** Per-child timeout, ms. Default `LIMITS.childTimeout`. */
  childTimeout?: number | undefined;
  /** Progress samples as they arrive, for live output. */
  onSample?: ((data: unknown) => void) | undefined;
}

/** How a child ended: exit status or signal, as `process.on('exit')` and a shell see it. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
}

/** What went to the child's runner, filled from {@link DemoOptions}. */
export function childOptions(opts: DemoOptions, cwd: string) {
  return {
    cwd,
    timeoutMs: opts.childTimeout ?? LIMITS.childTimeout.default,
    maxOutputBytes: LIMITS.maxChildOutput.default,
    signal: opts.signal,
    onSample: opts.onSample,
  };
}

/** A child outcome's exit status or signal. */
export function exitOf(outcome: ChildOutcome): ChildExit {
  return { code: outcome.code, signal: outcome.signal };
}

/**
 * The `FATAL ERROR: … JavaScript heap out of memory` line when V8 aborted the child for its
 * heap limit, else null.
 */
export function outOfMemoryLine(outcome: ChildOutcome): string | null {
  const line = outcome.stderr.split('\n').find((l) => l.includes(V8_OOM_MESSAGE));
  return line?.trim() ?? null;
}

/** `--max-old-space-size` takes MiB. */
export function maxOldSpaceFlag(bytes: number): string {
  return `--max-old-space-size=${Math.max(1, Math.round(bytes / (1024 * 1024)))}`;
}

/** The largest value of `key` over `samples` (0 for none). */
export function peak<T>(samples: readonly T[], key: (s: T) => number): number {
  let max = 0;
  for (const s of samples) max = Math.max(max, key(s));
  return max;
}
