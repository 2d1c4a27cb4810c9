/**
 * The book's out-of-memory experiment (§5.1.2): keep allocating arrays, printing memory before
 * each one, until V8 gives up with "FATAL ERROR: … JavaScript heap out of memory" and aborts.
 * Run it only in a child with a small `--max-old-space-size`: it never returns normally.
 */
import type { Channel } from '../child/protocol.ts';
import { memorySample, type MemorySample } from './heap.ts';

/** Parameters from the parent. */
export interface LimitHeapParams {
  /** Bytes per array: `stepBytes / 8` elements, 8 bytes each (a FixedArray of small integers). */
  stepBytes: number;
  /** Safety stop, in steps (never reached under a heap limit). */
  maxSteps: number;
}

/** Sent before each allocation, like the book's `showMem()`. */
export interface LimitSample extends MemorySample {
  step: number;
  /** Bytes of arrays allocated and kept so far. */
  allocated: number;
}

/** Allocates until V8 aborts the process (or `maxSteps`, never reached under a heap limit). */
export async function run(params: LimitHeapParams, channel: Channel): Promise<{ steps: number }> {
  const total: number[][] = [];
  const elements = Math.floor(params.stepBytes / 8);
  for (let step = 0; step < params.maxSteps; step += 1) {
    channel.sample({ step, allocated: step * elements * 8, ...memorySample() });
    const array = new Array<number>(elements);
    for (let i = 0; i < elements; i += 1) array[i] = 0;
    total.push(array);
  }
  return { steps: total.length };
}
