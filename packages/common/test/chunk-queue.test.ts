import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertNever, ChunkQueue } from '../src/protocol.ts';

const bytes = (...xs: number[]): Buffer => Buffer.from(xs);

describe('ChunkQueue', () => {
  it('consume returns a view inside one chunk and a copy across chunks', () => {
    const a = bytes(1, 2, 3, 4);
    const q = new ChunkQueue();
    q.push(a);
    q.push(bytes(5, 6));
    const view = q.consume(2);
    const spanning = q.consume(3);
    expect([...view]).toEqual([1, 2]);
    expect([...spanning]).toEqual([3, 4, 5]);
    expect(q.length).toBe(1);
    // (Small Buffers share Node's pool, so aliasing is shown by writing, not by `.buffer`.)
    a.fill(0);
    expect([...view]).toEqual([0, 0]); // a view of the pushed chunk
    expect([...spanning]).toEqual([3, 4, 5]); // a copy
  });

  it('readUInt8, skip and peekUInt32BE work across chunk boundaries', () => {
    const q = new ChunkQueue();
    for (const b of [0x01, 0x00, 0x00, 0x01, 0x02, 0xff]) q.push(bytes(b));
    expect(q.peekUInt32BE()).toBe(0x0100_0001);
    expect(q.length).toBe(6);
    expect(q.readUInt8()).toBe(0x01);
    q.skip(3);
    expect(q.readUInt8()).toBe(0x02);
    expect(q.lastByte()).toBe(0xff);
    expect(q.length).toBe(1);
  });

  it('ignores empty chunks and refuses to consume more than it holds', () => {
    const q = new ChunkQueue();
    q.push(Buffer.alloc(0));
    expect(q.length).toBe(0);
    expect(q.lastByte()).toBe(-1);
    q.push(bytes(1));
    expect(() => q.consume(2)).toThrow(RangeError);
  });

  it('any chunking and any sequence of reads give back the bytes in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 40 }),
        (chunks, reads) => {
          const all = Buffer.concat(chunks);
          const q = new ChunkQueue();
          for (const c of chunks) q.push(Buffer.from(c));
          const out: Buffer[] = [];
          for (const n of reads) {
            if (q.length === 0) break;
            out.push(q.consume(Math.min(n, q.length)));
          }
          if (q.length > 0) out.push(q.consume(q.length));
          expect(Buffer.concat(out).equals(all)).toBe(true);
          expect(q.length).toBe(0);
        },
      ),
    );
  });

  it('stays correct after compacting a long chunk list (thousands of 1-byte chunks)', () => {
    const q = new ChunkQueue();
    for (let i = 0; i < 5000; i += 1) q.push(bytes(i & 0xff));
    for (let i = 0; i < 4000; i += 1) expect(q.readUInt8()).toBe(i & 0xff);
    expect([...q.consume(3)]).toEqual([4000 & 0xff, 4001 & 0xff, 4002 & 0xff]);
    expect(q.length).toBe(997);
  });
});

describe('assertNever', () => {
  it('throws ERR_UNREACHABLE naming what slipped through', () => {
    expect(() => assertNever('x' as never, 'state')).toThrow(
      expect.objectContaining({ code: 'ERR_UNREACHABLE', message: 'unhandled state: x' }),
    );
  });
});

describe('ChunkQueue coalescing of tiny reads', () => {
  it('a message held one byte per push costs blocks, not an object per byte', () => {
    const q = new ChunkQueue();
    const total = 256 * 1024;
    for (let i = 0; i < total; i += 1) q.push(Buffer.from([i & 0xff]));
    expect(q.length).toBe(total);
    // By reference this was a Buffer object (~100 bytes of heap) per byte held; coalesced: the
    // first chunk, then 16 KiB blocks.
    expect(q.bufferCount).toBe(1 + Math.ceil((total - 1) / (16 * 1024)));
    const out = q.consume(total);
    expect(out.every((b, i) => b === (i & 0xff))).toBe(true);
  });

  it('bytes from a block are copied out: a kept result pins no block', () => {
    const q = new ChunkQueue();
    q.push(bytes(1, 2)); // first chunk: kept by reference
    q.push(bytes(3, 4)); // behind queued bytes: copied into a block
    q.push(bytes(5, 6));
    expect([...q.consume(2)]).toEqual([1, 2]);
    const fromBlock = q.consume(2);
    expect([...fromBlock]).toEqual([3, 4]);
    expect(fromBlock.buffer.byteLength).not.toBe(16 * 1024);
    expect(q.lastByte()).toBe(6);
    expect([...q.consume(2)]).toEqual([5, 6]);
    expect(q.length).toBe(0);
  });

  it('any interleaving of small and large pushes and consumes keeps the byte stream', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ push: fc.uint8Array({ minLength: 0, maxLength: 2_000 }) }),
            fc.record({ consume: fc.nat(3_000) }),
          ),
          { maxLength: 60 },
        ),
        (steps) => {
          const q = new ChunkQueue();
          const sent: number[] = [];
          const got: number[] = [];
          for (const step of steps) {
            if ('push' in step) {
              q.push(Buffer.from(step.push));
              sent.push(...step.push);
            } else {
              got.push(...q.consume(Math.min(step.consume, q.length)));
            }
            expect(q.length).toBe(sent.length - got.length);
          }
          got.push(...q.consume(q.length));
          expect(got).toEqual(sent);
        },
      ),
    );
  });
});
