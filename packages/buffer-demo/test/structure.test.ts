import { describe, expect, it } from 'vitest';
import { formatStructure, structureDemo } from '../src/index.ts';

describe('structure (§6.1)', () => {
  const r = structureDemo();

  it("stores the book's assignments as ToUint8 does: -100 → 156, 300 → 44, 3.1415 → 3", () => {
    const stored = Object.fromEntries(r.assignments.map((a) => [a.assigned, a.stored]));
    expect(stored).toMatchObject({ '-100': 156, '300': 44, '3.1415': 3, '256': 0, '-1': 255 });
    expect(r.element).toEqual({ isUint8Array: true, bytesPerElement: 1, min: 0, max: 255 });
  });

  it("encodes '深入浅出node.js' as the book prints it, 3 bytes per CJK character", () => {
    expect(r.utf8.inspect).toBe(
      '<Buffer e6 b7 b1 e5 85 a5 e6 b5 85 e5 87 ba 6e 6f 64 65 2e 6a 73>',
    );
    expect(r.utf8).toMatchObject({ characters: 11, bytes: 19 });
    expect(r.utf8.perCharacter[0]).toEqual({ character: '深', hex: 'e6 b7 b1', bytes: 3 });
    expect(r.utf8.perCharacter.filter((c) => c.bytes === 3)).toHaveLength(4);
  });

  it('Buffer.alloc is zero-filled; allocUnsafe reports what it found', () => {
    expect(r.alloc.nonZeroBytes).toBe(0);
    expect(r.allocUnsafe.size).toBe(r.alloc.size);
    expect(r.allocUnsafe.foundAtAttempt === null || r.allocUnsafe.foundAtAttempt >= 1).toBe(true);
    if (r.allocUnsafe.foundAtAttempt !== null) expect(r.allocUnsafe.excerpt).toContain('SECRET');
    expect(formatStructure(r)).toContain('-100');
  });
});
