/**
 * Demo `allocation` (§6.1.3 Buffer内存分配, the slab 机制): small Buffers are views into one
 * shared `Buffer.poolSize` ArrayBuffer (the slab); from `poolSize >>> 1` bytes on, a Buffer gets
 * its own; `Buffer.alloc` is never pooled. The cost of sharing: a small slice kept alive keeps
 * its whole backing ArrayBuffer alive (a pool, or a 64 KiB read chunk), measured with
 * `process.memoryUsage().arrayBuffers` after a full GC. And what became of the book's
 * `SlowBuffer`. Every size here is read from the running Node.
 */
import * as nodeBuffer from 'node:buffer';
import { resolveLimits, type LimitOptions } from 'common';
import { RETAINED_SLICE_BYTES, SMALL_MESSAGE_BYTES, SOCKET_CHUNK_BYTES } from '../constants.ts';
import { retainedMemory } from '../gc.ts';
import { ALLOCATION_LIMITS } from '../limits.ts';
import { formatBytes, formatTable } from 'common';

/** One allocation and where its bytes live. */
export interface Placement {
  call: string;
  length: number;
  /** `buf.buffer.byteLength`: the ArrayBuffer behind it (`poolSize` when pooled). */
  arrayBufferBytes: number;
  byteOffset: number;
  /** Its ArrayBuffer is the one the previous row's Buffer uses. */
  sharesPrevious: boolean;
  pooled: boolean;
}

/** One retention scenario: `count` messages made, one slice of each kept, memory after GC. */
export interface Retention {
  messages: string;
  kept: string;
  count: number;
  /** Growth of `process.memoryUsage().arrayBuffers` while the slices are held (after a full GC), in bytes. */
  arrayBufferBytes: number;
  /**
   * Growth of `heapUsed` (after a full GC), in bytes: the Buffer objects themselves, and the
   * bytes of typed arrays of at most 64 bytes, which V8 keeps on its heap until their `.buffer`
   * is asked for (V8's `V8_TYPED_ARRAY_MAX_SIZE_IN_HEAP`), so they are not in `arrayBuffers`.
   */
  heapBytes: number;
  /** `(arrayBufferBytes + heapBytes) / count`. */
  perSliceBytes: number;
}

/** What {@link allocationDemo} returns. */
export interface AllocationResult {
  poolSize: number;
  /** `poolSize >>> 1`: the first size that is not pooled, as `lib/buffer.js` decides. */
  poolThreshold: number;
  /** Found by probing `Buffer.allocUnsafe(n)` on the running Node (binary search). */
  largestPooled: number;
  placements: Placement[];
  retention: Retention[];
  /** `require('node:buffer').SlowBuffer` on this Node, and what a `SlowBuffer(10)` is. */
  slowBuffer: { present: boolean; arrayBufferBytes: number | null };
}

/** Options of {@link allocationDemo}; bounds in `ALLOCATION_LIMITS`. */
export type AllocationOptions = LimitOptions<typeof ALLOCATION_LIMITS>;

/**
 * Runs the demo (synchronous; forces full GCs).
 *
 * @throws {InvalidArgumentError} `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_TYPE` for a bad `retained`.
 */
export function allocationDemo(options: AllocationOptions = {}): AllocationResult {
  const { retained } = resolveLimits(ALLOCATION_LIMITS, options);
  const poolSize = Buffer.poolSize;
  const threshold = poolSize >>> 1;
  return {
    poolSize,
    poolThreshold: threshold,
    largestPooled: largestPooledSize(poolSize),
    placements: placements(threshold),
    retention: retentionScenarios(retained),
    slowBuffer: slowBuffer(),
  };
}

function isPooled(buf: Buffer): boolean {
  return buf.buffer.byteLength === Buffer.poolSize && buf.length < Buffer.poolSize;
}

/** Binary search for the largest `allocUnsafe(n)` that still comes from the pool. */
function largestPooledSize(poolSize: number): number {
  let lo = 0; // pooled (or 0)
  let hi = poolSize; // never pooled
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (isPooled(Buffer.allocUnsafe(mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}

function placements(threshold: number): Placement[] {
  const calls: [string, () => Buffer][] = [
    ['Buffer.allocUnsafe(10)', () => Buffer.allocUnsafe(10)],
    ['Buffer.allocUnsafe(10)', () => Buffer.allocUnsafe(10)],
    ["Buffer.from('abc')", () => Buffer.from('abc')],
    [`Buffer.allocUnsafe(${threshold - 1})`, () => Buffer.allocUnsafe(threshold - 1)],
    [`Buffer.allocUnsafe(${threshold})`, () => Buffer.allocUnsafe(threshold)],
    ['Buffer.alloc(10)', () => Buffer.alloc(10)],
    ['Buffer.allocUnsafeSlow(10)', () => Buffer.allocUnsafeSlow(10)],
    [
      'Buffer.concat([a, b]) (20 B)',
      () => Buffer.concat([Buffer.from('0123456789'), Buffer.from('abcdefghij')]),
    ],
  ];
  // Start on a fresh pool, so the first rows share it: two allocations of threshold - 1 bytes
  // fill a pool (the first lands at offset 0 of a new pool, the second takes the rest); the next
  // small allocation opens a new pool at offset 0.
  while (Buffer.allocUnsafe(threshold - 1).byteOffset !== 0);
  Buffer.allocUnsafe(threshold - 1);
  const out: Placement[] = [];
  let previous: ArrayBufferLike | undefined;
  for (const [call, make] of calls) {
    const buf = make();
    out.push({
      call,
      length: buf.length,
      arrayBufferBytes: buf.buffer.byteLength,
      byteOffset: buf.byteOffset,
      sharesPrevious: previous === buf.buffer,
      pooled: isPooled(buf),
    });
    previous = buf.buffer;
  }
  return out;
}

/** Makes `count` messages with `make`, keeps `keep(message)` of each, measures what stays. */
function retention(
  messages: string,
  kept: string,
  count: number,
  make: () => Buffer,
  keep: (message: Buffer) => Buffer,
): Retention {
  const before = retainedMemory();
  const slices: Buffer[] = [];
  for (let i = 0; i < count; i += 1) slices.push(keep(make()));
  const after = retainedMemory();
  const arrayBufferBytes = Math.max(0, after.arrayBuffers - before.arrayBuffers);
  const heapBytes = Math.max(0, after.heapUsed - before.heapUsed);
  // The slices are used after the measurement, so they are certainly alive during it.
  const perSliceBytes = slices.length === 0 ? 0 : (arrayBufferBytes + heapBytes) / slices.length;
  return { messages, kept, count, arrayBufferBytes, heapBytes, perSliceBytes };
}

function retentionScenarios(count: number): Retention[] {
  const n = RETAINED_SLICE_BYTES;
  const socketChunk = (): Buffer => Buffer.allocUnsafeSlow(SOCKET_CHUNK_BYTES).fill(1);
  const line = 'x'.repeat(SMALL_MESSAGE_BYTES);
  const smallMessage = (): Buffer => Buffer.from(line, 'latin1');
  const chunkLabel = `${formatBytes(SOCKET_CHUNK_BYTES)} read chunks (own ArrayBuffer)`;
  const smallLabel = `${SMALL_MESSAGE_BYTES} B messages (pooled)`;
  return [
    retention(chunkLabel, `subarray(0, ${n}) (a view)`, count, socketChunk, (m) =>
      m.subarray(0, n),
    ),
    retention(chunkLabel, 'Buffer.from(view) (a copy)', count, socketChunk, (m) =>
      Buffer.from(m.subarray(0, n)),
    ),
    retention(smallLabel, `subarray(0, ${n}) (a view)`, count, smallMessage, (m) =>
      m.subarray(0, n),
    ),
    retention(smallLabel, 'Buffer.from(view) (a pooled copy)', count, smallMessage, (m) =>
      Buffer.from(m.subarray(0, n)),
    ),
    retention(smallLabel, 'allocUnsafeSlow + copy (unpooled)', count, smallMessage, (m) => {
      const copy = Buffer.allocUnsafeSlow(n);
      m.copy(copy, 0, 0, n);
      return copy;
    }),
  ];
}

function slowBuffer(): AllocationResult['slowBuffer'] {
  // Looked up by name: removed in Node 25, so not a static import.
  const make = (nodeBuffer as Record<string, unknown>).SlowBuffer as
    ((size: number) => Buffer) | undefined;
  if (typeof make !== 'function') return { present: false, arrayBufferBytes: null };
  return { present: true, arrayBufferBytes: make(10).buffer.byteLength };
}

/** The demo's text output. */
export function formatAllocation(r: AllocationResult): string {
  const slow = r.slowBuffer.present
    ? `present on this Node (deprecated, DEP0030); SlowBuffer(10) has its own ${r.slowBuffer.arrayBufferBytes}-byte ArrayBuffer, exactly Buffer.allocUnsafeSlow(10)`
    : 'absent on this Node (removed; DEP0030): use Buffer.allocUnsafeSlow(size)';
  return [
    `§6.1.3 the slab: Buffer.poolSize = ${r.poolSize} (${formatBytes(r.poolSize)}) on ${process.version}; pooled below poolSize >>> 1 = ${r.poolThreshold} bytes`,
    `probing allocUnsafe(n): largest pooled n = ${r.largestPooled}`,
    '',
    formatTable(
      ['call', 'length', 'ArrayBuffer', 'byteOffset', 'same as previous', 'pooled'],
      r.placements.map((p) => [
        p.call,
        p.length,
        p.arrayBufferBytes,
        p.byteOffset,
        p.sharesPrevious ? 'yes' : 'no',
        p.pooled ? 'yes' : 'no',
      ]),
    ),
    '',
    `The cost of sharing: keep one ${RETAINED_SLICE_BYTES}-byte slice of each message; growth after a full GC:`,
    formatTable(
      ['messages', 'kept', 'count', 'arrayBuffers', 'heapUsed', 'per slice'],
      r.retention.map((x) => [
        x.messages,
        x.kept,
        x.count,
        formatBytes(x.arrayBufferBytes),
        formatBytes(x.heapBytes),
        formatBytes(Math.round(x.perSliceBytes)),
      ]),
    ),
    '',
    `SlowBuffer: ${slow}.`,
  ].join('\n');
}
