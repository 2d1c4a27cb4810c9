/**
 * The `leak` experiment, in a child with `--expose-gc`: warm up, snapshot 1, N measured
 * iterations each followed by a forced full GC and a `process.memoryUsage()` sample,
 * snapshot 2, a further run, snapshot 3. The parent fits the slope and diffs the snapshots.
 */
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { SNAPSHOT_SUFFIX } from '../constants.ts';
import type { Channel } from '../child/protocol.ts';
import { forceGc, memorySample } from './heap.ts';
import { leakSubject, type LeakCaseName, type LeakVariant } from './leak-subjects.ts';

/** Parameters from the parent. */
export interface LeakParams {
  case: LeakCaseName;
  variant: LeakVariant;
  /** Iterations run before anything is measured (JIT, lazy initialisation, first fills). */
  warmup: number;
  /** Measured iterations (the slope's points). */
  iterations: number;
  /** Iterations between snapshots 2 and 3. */
  further: number;
  /** Where to write the three snapshots; null: no snapshots. */
  snapshotDir: string | null;
}

/** One measured iteration, after a forced full GC; bytes. */
export interface LeakSample {
  iteration: number;
  heapUsed: number;
  /** `external`, which includes `arrayBuffers` (Node's docs): memory outside the V8 heap. */
  external: number;
  /** Items the case holds (array length, cache entries, jobs waiting). */
  held: number;
}

/** What the child reports. */
export interface LeakResult {
  samples: LeakSample[];
  /** Paths of snapshots 1, 2, 3 (empty without `snapshotDir`). */
  snapshots: string[];
}

/** Warm-up, snapshot 1, measured iterations, snapshot 2, further iterations, snapshot 3. */
export async function run(params: LeakParams, channel: Channel): Promise<LeakResult> {
  const subject = leakSubject(params.case, params.variant);
  let iteration = 0;
  for (let i = 0; i < params.warmup; i += 1) await subject.iterate(iteration++);
  const snapshots: string[] = [];
  const snapshot = (n: number): void => {
    if (params.snapshotDir === null) return;
    forceGc();
    const file = join(
      params.snapshotDir,
      `${params.case}-${params.variant}-${n}${SNAPSHOT_SUFFIX}`,
    );
    snapshots.push(writeHeapSnapshot(file));
  };
  snapshot(1);
  const samples: LeakSample[] = [];
  for (let i = 1; i <= params.iterations; i += 1) {
    await subject.iterate(iteration++);
    forceGc();
    const { heapUsed, external } = memorySample();
    const sample = { iteration: i, heapUsed, external, held: await subject.held() };
    samples.push(sample);
    channel.sample(sample);
  }
  snapshot(2);
  for (let i = 0; i < params.further; i += 1) await subject.iterate(iteration++);
  snapshot(3);
  return { samples, snapshots };
}
