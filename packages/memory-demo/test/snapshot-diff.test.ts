import { describe, expect, it } from 'vitest';
import { Dominators, ShortestPaths } from '../src/analysis/retainers.ts';
import { diffSnapshots, newIds, snapshotIds } from '../src/analysis/snapshot-diff.ts';
import { HeapSnapshotParser } from '../src/protocol/heap-snapshot.ts';
import type { HeapSnapshot } from '../src/protocol/heap-graph.ts';
import { leakyHeap, snapshotJson, type FixtureNode } from './fixtures/snapshot.ts';

function snapshot(nodes: FixtureNode[]): HeapSnapshot {
  const parser = new HeapSnapshotParser({ maxBytes: 1 << 24 });
  parser.push(snapshotJson(nodes));
  return parser.end();
}

describe('retainers', () => {
  // root → a → c, root → b → c, a → d; b -weak-> d
  const diamond = snapshot([
    {
      type: 'synthetic',
      name: '',
      id: 1,
      selfSize: 0,
      edges: [
        { type: 'element', name: 0, to: 1 },
        { type: 'element', name: 1, to: 2 },
      ],
    },
    {
      type: 'object',
      name: 'A',
      id: 3,
      selfSize: 10,
      edges: [
        { type: 'property', name: 'c', to: 3 },
        { type: 'property', name: 'd', to: 4 },
      ],
    },
    {
      type: 'object',
      name: 'B',
      id: 5,
      selfSize: 20,
      edges: [
        { type: 'property', name: 'c', to: 3 },
        { type: 'weak', name: 'd', to: 4 },
      ],
    },
    { type: 'object', name: 'C', id: 7, selfSize: 100 },
    { type: 'object', name: 'D', id: 9, selfSize: 1000 },
  ]);

  it('computes dominators and retained sizes over strong edges only', () => {
    const d = new Dominators(diamond);
    expect(Array.from(d.idom)).toEqual([0, 0, 0, 0, 1]);
    // A retains D (B's edge to D is weak) but not C (B reaches C too).
    expect(Array.from(d.retained)).toEqual([1130, 1010, 20, 100, 1000]);
  });

  it('finds the shortest strong path, written as JavaScript would reach it', () => {
    expect(new ShortestPaths(diamond).pathTo(4)).toEqual(['A.d', 'D']);
    expect(new ShortestPaths(diamond).pathTo(3)).toEqual(['A.c', 'C']);
  });
});

describe('diffSnapshots', () => {
  // Baseline: 100 records. Target: 300 (200 new). Final: 500 (the 200 are still there).
  const baseline = snapshotIds(snapshot(leakyHeap({ leaked: 100, firstLeakId: 1001, other: 3 })));
  const target = snapshotIds(snapshot(leakyHeap({ leaked: 300, firstLeakId: 1001, other: 5 })));
  const allocated = newIds(baseline, target);

  it('names the growing constructor and its retainer path', () => {
    const final = snapshot(leakyHeap({ leaked: 500, firstLeakId: 1001, other: 4 }));
    const diff = diffSnapshots(allocated, final);
    expect(diff.groups[0]).toEqual({
      constructorName: 'LeakRecord',
      count: 200,
      selfSize: 200 * 40,
      retainedSize: 200 * 1080,
    });
    // Objects new in the target but gone in the final do not count (other: 5 → 4).
    expect(diff.groups[1]).toMatchObject({ constructorName: 'Object', count: 1 });
    expect(diff.retainerPath).toEqual([
      '(GC roots)',
      'system / Context.leakArray',
      'Array[100]',
      'LeakRecord',
    ]);
    expect(diff.survivorCount).toBe(401); // 200 records, 200 payload strings, 1 Object
  });

  it('finds nothing when the new objects did not survive', () => {
    const final = snapshot(leakyHeap({ leaked: 100, firstLeakId: 1001, other: 3 }));
    expect(diffSnapshots(allocated, final)).toEqual({
      groups: [],
      retainerPath: [],
      survivorCount: 0,
      survivorBytes: 0,
    });
  });
});
