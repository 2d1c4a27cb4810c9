import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyCollector, checkDeclaredLength } from '../src/protocol/body.ts';

describe('checkDeclaredLength', () => {
  it('accepts an absent Content-Length (chunked or no body)', () => {
    expect(checkDeclaredLength(undefined, 10)).toBeUndefined();
  });

  it('accepts a length up to the limit and refuses one byte more with 413', () => {
    expect(checkDeclaredLength('10', 10)).toBeUndefined();
    const err = checkDeclaredLength('11', 10);
    expect(err?.code).toBe('ERR_HTTP_BODY_TOO_LARGE');
    expect(err?.statusCode).toBe(413);
  });

  it('refuses lengths beyond 2^53 without overflowing', () => {
    expect(checkDeclaredLength('99999999999999999999999', 1024)?.statusCode).toBe(413);
  });
});

describe('BodyCollector', () => {
  it('concatenates chunks into the original bytes', () => {
    const body = new BodyCollector(100);
    expect(body.push(Buffer.from('hello '))).toBeUndefined();
    expect(body.push(Buffer.from('world'))).toBeUndefined();
    expect(body.concat().toString()).toBe('hello world');
    expect(body.length).toBe(11);
  });

  it('reports 413 on the chunk that crosses the limit and keeps reporting it', () => {
    const body = new BodyCollector(4);
    expect(body.push(Buffer.from('abc'))).toBeUndefined();
    const err = body.push(Buffer.from('de'));
    expect(err?.code).toBe('ERR_HTTP_BODY_TOO_LARGE');
    expect(body.push(Buffer.from('f'))).toBe(err);
  });

  it('a limit of 0 accepts empty chunks only', () => {
    const body = new BodyCollector(0);
    expect(body.push(Buffer.alloc(0))).toBeUndefined();
    expect(body.push(Buffer.from('x'))?.statusCode).toBe(413);
  });

  it('any chunking of a body within the limit round-trips; over the limit always errors', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 10 }),
        fc.nat({ max: 300 }),
        (bytes, cuts, limit) => {
          const data = Buffer.from(bytes);
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const p of [...points, data.length]) {
            chunks.push(data.subarray(prev, p));
            prev = p;
          }
          const body = new BodyCollector(limit);
          const errors = chunks.map((c) => body.push(c)).filter((e) => e !== undefined);
          if (data.length <= limit) {
            expect(errors).toEqual([]);
            expect(body.concat().equals(data)).toBe(true);
          } else {
            expect(errors.length).toBeGreaterThan(0);
            expect(errors.every((e) => e.code === 'ERR_HTTP_BODY_TOO_LARGE')).toBe(true);
          }
        },
      ),
    );
  });
});
