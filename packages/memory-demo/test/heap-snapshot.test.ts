import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteByByte, everySplit, randomChunks, seeded } from 'common/harness';
import { describe, expect, it } from 'vitest';
import { HeapSnapshotParser } from '../src/protocol/heap-snapshot.ts';
import type { HeapSnapshot } from '../src/protocol/heap-graph.ts';
import { leakyHeap, snapshotJson, type FixtureNode } from './fixtures/snapshot.ts';

function parse(chunks: readonly (Buffer | string)[], maxBytes = 1 << 20): HeapSnapshot {
  const parser = new HeapSnapshotParser({ maxBytes });
  for (const c of chunks) parser.push(c);
  return parser.end();
}

/** Everything a test can compare: every node and edge, as read through the accessors. */
function dump(s: HeapSnapshot): unknown[] {
  const out: unknown[] = [];
  for (let n = 0; n < s.nodeCount; n += 1) {
    const [start, end] = s.edgeRange(n);
    const edges = [];
    for (let e = start; e < end; e += 1)
      edges.push([s.edgeType(e), s.edgeName(e), s.edgeTarget(e)]);
    out.push([s.nodeType(n), s.nodeName(n), s.nodeId(n), s.selfSize(n), edges]);
  }
  return out;
}

const SMALL: FixtureNode[] = [
  {
    type: 'synthetic',
    name: '',
    id: 1,
    selfSize: 0,
    edges: [
      { type: 'shortcut', name: 'global', to: 1 },
      { type: 'weak', name: 'cache', to: 2 },
    ],
  },
  {
    type: 'object',
    name: '内存 "quoted" \\ back\nslash',
    id: 3,
    selfSize: 56,
    edges: [
      { type: 'element', name: 0, to: 2 },
      { type: 'property', name: 'ß€😀', to: 2 },
    ],
  },
  { type: 'string', name: 'a string with \u0001 control', id: 5, selfSize: 4096 },
];
const SMALL_TEXT = Buffer.from(snapshotJson(SMALL));

describe('HeapSnapshotParser', () => {
  it('reads nodes, edges and strings of V8 layout', () => {
    const s = parse([SMALL_TEXT]);
    expect(s.nodeCount).toBe(3);
    expect(s.edgeCount).toBe(4);
    expect(dump(s)).toEqual([
      [
        'synthetic',
        '',
        1,
        0,
        [
          ['shortcut', 'global', 1],
          ['weak', 'cache', 2],
        ],
      ],
      [
        'object',
        '内存 "quoted" \\ back\nslash',
        3,
        56,
        [
          ['element', '0', 2],
          ['property', 'ß€😀', 2],
        ],
      ],
      ['string', 'a string with \u0001 control', 5, 4096, []],
    ]);
    expect(s.isWeak(1)).toBe(true);
    expect(s.isWeak(0)).toBe(false);
  });

  it('gives the same snapshot however the bytes are cut (every split, byte by byte, random)', () => {
    const expected = dump(parse([SMALL_TEXT]));
    for (const chunks of everySplit(SMALL_TEXT)) expect(dump(parse(chunks))).toEqual(expected);
    expect(dump(parse(byteByByte(SMALL_TEXT)))).toEqual(expected);
    const random = seeded(5);
    for (let i = 0; i < 20; i += 1)
      expect(dump(parse(randomChunks(SMALL_TEXT, random, 13)))).toEqual(expected);
  });

  it('parses a real snapshot written by v8.writeHeapSnapshot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memory-demo-test-'));
    try {
      const file = join(dir, 'real.heapsnapshot');
      execFileSync(process.execPath, [
        '-e',
        `require('v8').writeHeapSnapshot(${JSON.stringify(file)})`,
      ]);
      const text = readFileSync(file);
      const header = JSON.parse(
        text.subarray(0, text.indexOf('"nodes"')).toString().replace(/,\s*$/, '}'),
      );
      const s = parse(randomChunks(text, seeded(1), 1 << 16), 1 << 30);
      expect(s.nodeCount).toBe(header.snapshot.node_count);
      expect(s.edgeCount).toBe(header.snapshot.edge_count);
      const names = new Set(Array.from({ length: s.nodeCount }, (_, n) => s.nodeName(n)));
      expect(names).toContain('(GC roots)');
      expect(names).toContain('Object');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('refuses', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return undefined;
    };
    const text = SMALL_TEXT.toString();

    it('input over maxBytes', () => {
      expect(code(() => parse([SMALL_TEXT], SMALL_TEXT.length - 1))).toBe('ERR_SNAPSHOT_TOO_LARGE');
    });

    it('a header announcing more numbers than maxBytes could hold, before allocating', () => {
      const huge = text.replace('"node_count":3', '"node_count":100000000');
      expect(code(() => parse([huge.slice(0, huge.indexOf('"nodes":[') + 9)], 1 << 20))).toBe(
        'ERR_SNAPSHOT_TOO_LARGE',
      );
    });

    it('input that ends early', () => {
      expect(code(() => parse([SMALL_TEXT.subarray(0, SMALL_TEXT.length - 2)]))).toBe(
        'ERR_SNAPSHOT_TRUNCATED',
      );
    });

    it('counts that disagree with the header', () => {
      expect(code(() => parse([text.replace('"edge_count":4', '"edge_count":5')]))).toBe(
        'ERR_SNAPSHOT_FORMAT',
      );
      expect(code(() => parse([text.replace('"node_count":3', '"node_count":2')]))).toBe(
        'ERR_SNAPSHOT_FORMAT',
      );
    });

    it('junk in a number array, after the document, or a missing meta field', () => {
      expect(code(() => parse([text.replace('"nodes":[9', '"nodes":[x')]))).toBe(
        'ERR_SNAPSHOT_FORMAT',
      );
      expect(code(() => parse([`${text} x`]))).toBe('ERR_SNAPSHOT_FORMAT');
      expect(code(() => parse([text.replace('"self_size"', '"size"')]))).toBe(
        'ERR_SNAPSHOT_FORMAT',
      );
      expect(code(() => parse(['{"not":"a snapshot"}']))).toBe('ERR_SNAPSHOT_TRUNCATED');
    });

    it('an edge pointing outside the nodes', () => {
      const bad = snapshotJson([
        {
          type: 'synthetic',
          name: '',
          id: 1,
          selfSize: 0,
          edges: [{ type: 'property', name: 'x', to: 9 }],
        },
      ]);
      expect(code(() => parse([bad]))).toBe('ERR_SNAPSHOT_FORMAT');
    });
  });

  it('parses a 20,000-object heap fed in 64 KiB chunks', () => {
    const text = Buffer.from(snapshotJson(leakyHeap({ leaked: 10_000, firstLeakId: 1001 })));
    const s = parse(randomChunks(text, seeded(3), 65_536), text.length);
    expect(s.nodeCount).toBe(4 + 20_000);
  });
});
