import { describe, expect, it } from 'vitest';
import { allocationDemo, formatAllocation } from '../src/index.ts';

describe('allocation (§6.1.3, the slab)', () => {
  const r = allocationDemo({ retained: 200 });

  it('reads the pool size from the running Node and finds the boundary at poolSize >>> 1', () => {
    expect(r.poolSize).toBe(Buffer.poolSize);
    expect(r.poolThreshold).toBe(Buffer.poolSize >>> 1);
    expect(r.largestPooled).toBe(r.poolThreshold - 1);
  });

  it('small allocUnsafe/from share one buf.buffer (the pool); poolSize >>> 1 and alloc do not', () => {
    const row = (call: string) => r.placements.find((p) => p.call === call)!;
    const small = r.placements.slice(0, 4);
    expect(small.every((p) => p.pooled && p.arrayBufferBytes === r.poolSize)).toBe(true);
    expect(small.slice(1).every((p) => p.sharesPrevious)).toBe(true);
    expect(small[1]!.byteOffset).toBeGreaterThan(small[0]!.byteOffset);
    expect(row(`Buffer.allocUnsafe(${r.poolThreshold})`)).toMatchObject({
      pooled: false,
      arrayBufferBytes: r.poolThreshold,
      byteOffset: 0,
    });
    expect(row('Buffer.alloc(10)')).toMatchObject({ pooled: false, arrayBufferBytes: 10 });
    expect(row('Buffer.allocUnsafeSlow(10)')).toMatchObject({ pooled: false });
  });

  it('checks the same rule directly: two small Buffers, one ArrayBuffer', () => {
    const a = Buffer.allocUnsafe(16);
    const b = Buffer.allocUnsafe(16);
    // A new pool may start between the two; then the next pair shares it.
    const [c, d] =
      a.buffer === b.buffer ? [a, b] : [Buffer.allocUnsafe(16), Buffer.allocUnsafe(16)];
    expect(c.buffer).toBe(d.buffer);
    expect(Buffer.allocUnsafe(Buffer.poolSize >>> 1).buffer).not.toBe(
      Buffer.allocUnsafe(Buffer.poolSize >>> 1).buffer,
    );
  });

  it('a kept 10-byte view pins its 64 KiB chunk; a copy does not', () => {
    const [view, copy] = r.retention;
    expect(view!.count).toBe(200);
    expect(view!.arrayBufferBytes).toBeGreaterThan(200 * 60 * 1024);
    expect(copy!.arrayBufferBytes).toBeLessThan(view!.arrayBufferBytes / 50);
    expect(formatAllocation(r)).toContain('SlowBuffer');
  });

  it("rejects a bad option with Node's code", () => {
    expect(() => allocationDemo({ retained: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });
});
