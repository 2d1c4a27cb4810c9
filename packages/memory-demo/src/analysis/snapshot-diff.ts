/**
 * The three-snapshot technique (memlab's, and DevTools' "objects allocated between
 * snapshots"): take a baseline, run the suspect code, take a target, run it again, take a
 * final snapshot. Objects that are new in the target (not in the baseline) and still alive in
 * the final one survived a whole further round: leak candidates. Grouped by constructor and
 * ranked by retained size, the top group is what grows; its shortest retainer path says who
 * holds it. Pure: it works on parsed snapshots.
 */
import type { HeapSnapshot } from '../protocol/heap-graph.ts';
import { displayName, Dominators, ShortestPaths } from './retainers.ts';

/** The node ids of a snapshot, sorted, for membership tests across snapshots. */
export function snapshotIds(snapshot: HeapSnapshot): Float64Array {
  const ids = new Float64Array(snapshot.nodeCount);
  for (let i = 0; i < ids.length; i += 1) ids[i] = snapshot.nodeId(i);
  return ids.sort();
}

function has(sorted: Float64Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The ids of `target` that are not in `baseline`: what was allocated in between. */
export function newIds(baseline: Float64Array, target: Float64Array): Float64Array {
  return target.filter((id) => !has(baseline, id));
}

/** Objects of one constructor that were allocated between baseline and target and survived. */
export interface SurvivorGroup {
  /** The constructor name (`LeakRecord`, `Object`, `Array`, `Promise` …). */
  constructorName: string;
  count: number;
  /** Sum of the objects' own sizes, in bytes. */
  selfSize: number;
  /**
   * Sum of their retained sizes, in bytes, counting an object dominated by another object of
   * the same group once (through its dominator).
   */
  retainedSize: number;
}

/** Result of {@link diffSnapshots}. */
export interface SnapshotDiff {
  /** Survivor groups, largest retained size first, at most `top`. */
  groups: SurvivorGroup[];
  /** Shortest retainer path to the largest object of the first group; empty without groups. */
  retainerPath: string[];
  /** Survivors of any type (strings, arrays, code … included), and their total self size. */
  survivorCount: number;
  survivorBytes: number;
}

/**
 * Survivors = objects of `final` whose id is in `allocated` (new in the target), grouped by
 * constructor. Only nodes of type `object` form groups ("constructors"); strings, internal
 * arrays, code and closures are counted in `survivorCount` but not grouped: a growing array's
 * latest backing store is a new object too, and would otherwise hide its elements.
 */
export function diffSnapshots(
  allocated: Float64Array,
  final: HeapSnapshot,
  opts: { top?: number } = {},
): SnapshotDiff {
  const members = new Map<string, number[]>();
  const isMember = new Uint8Array(final.nodeCount);
  let survivorCount = 0;
  let survivorBytes = 0;
  for (let node = 0; node < final.nodeCount; node += 1) {
    if (!has(allocated, final.nodeId(node))) continue;
    survivorCount += 1;
    survivorBytes += final.selfSize(node);
    if (final.nodeType(node) !== 'object') continue;
    const name = displayName(final, node);
    let list = members.get(name);
    if (list === undefined) members.set(name, (list = []));
    list.push(node);
    isMember[node] = 1;
  }
  if (members.size === 0) return { groups: [], retainerPath: [], survivorCount, survivorBytes };
  const dominators = new Dominators(final);
  const groups: (SurvivorGroup & { largest: number })[] = [];
  for (const [constructorName, nodes] of members) {
    let selfSize = 0;
    let retainedSize = 0;
    let largest = nodes[0]!;
    for (const node of nodes) {
      selfSize += final.selfSize(node);
      const idom = dominators.idom[node]!;
      const nested = isMember[idom] === 1 && displayName(final, idom) === constructorName;
      if (!nested) retainedSize += dominators.retained[node]!;
      if (dominators.retained[node]! > dominators.retained[largest]!) largest = node;
    }
    groups.push({ constructorName, count: nodes.length, selfSize, retainedSize, largest });
  }
  groups.sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count);
  const top = groups.slice(0, opts.top ?? 10);
  const retainerPath = new ShortestPaths(final).pathTo(top[0]!.largest);
  return {
    groups: top.map(({ largest: _, ...g }) => g),
    retainerPath,
    survivorCount,
    survivorBytes,
  };
}
