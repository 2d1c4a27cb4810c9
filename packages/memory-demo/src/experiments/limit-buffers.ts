/**
 * The other half of §5.1.2/§5.6: Buffers live outside the V8 heap (堆外内存), so the same
 * small `--max-old-space-size` does not stop a gibibyte of them; only physical memory does.
 */
import type { Channel } from '../child/protocol.ts';
import { memorySample } from './heap.ts';
import type { LimitSample } from './limit-heap.ts';

/** Parameters from the parent: total and per-Buffer bytes. */
export interface LimitBuffersParams {
  totalBytes: number;
  stepBytes: number;
}

/** Allocates and fills Buffers up to `totalBytes`, sampling memory after each. */
export async function run(
  params: LimitBuffersParams,
  channel: Channel,
): Promise<{ allocated: number; last: LimitSample }> {
  const kept: Buffer[] = [];
  let allocated = 0;
  let last: LimitSample = { step: 0, allocated, ...memorySample() };
  channel.sample(last);
  while (allocated < params.totalBytes) {
    const size = Math.min(params.stepBytes, params.totalBytes - allocated);
    // fill(): touch every page, so RSS shows the memory really in use (calloc'd pages are lazy).
    kept.push(Buffer.allocUnsafeSlow(size).fill(0x61));
    allocated += size;
    last = { step: kept.length, allocated, ...memorySample() };
    channel.sample(last);
  }
  return { allocated, last };
}
