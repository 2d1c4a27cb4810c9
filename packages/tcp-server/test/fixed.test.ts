import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedDecoder, encodeFixed, stripFixedPadding } from '../src/protocol/fixed.ts';
import {
  chunkAt,
  cutsArb,
  decodeAll,
  decodeUntilError,
  itDecodesInAnyChunking,
  text,
} from './chunking.ts';

const FIXTURE = Buffer.from('abcdefghijkl'); // three 4-byte records
const EXPECTED = ['abcd', 'efgh', 'ijkl'];

describe('FixedDecoder', () => {
  itDecodesInAnyChunking(
    () => new FixedDecoder({ frameSize: 4 }),
    FIXTURE,
    EXPECTED.map((r) => Buffer.from(r)),
  );

  it('round-trips random records in random chunks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        cutsArb,
        (frameSize, raw, cuts) => {
          const records = raw.map((r) => Buffer.from(r.subarray(0, frameSize)));
          const stream = Buffer.concat(records.map((r) => encodeFixed(r, { frameSize })));
          const decoded = decodeAll(new FixedDecoder({ frameSize }), chunkAt(stream, cuts));
          expect(decoded).toEqual(
            records.map((r) => Buffer.concat([r, Buffer.alloc(frameSize - r.length)])),
          );
        },
      ),
    );
  });

  it('turns random bytes into whole records, and the remainder into ERR_UNEXPECTED_EOF only', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.uint8Array({ maxLength: 300 }),
        cutsArb,
        (frameSize, bytes, cuts) => {
          const { messages, error } = decodeUntilError(
            new FixedDecoder({ frameSize }),
            chunkAt(Buffer.from(bytes), cuts),
          );
          expect(messages.length).toBe(Math.floor(bytes.length / frameSize));
          for (const m of messages) expect(m.length).toBe(frameSize);
          const leftover = bytes.length % frameSize;
          if (leftover === 0) expect(error).toBeUndefined();
          else expect(error).toMatchObject({ code: 'ERR_UNEXPECTED_EOF', size: leftover });
        },
      ),
    );
  });

  it('reports a trailing partial record with its size, and never yields it', () => {
    const decoder = new FixedDecoder({ frameSize: 4 });
    expect(text([...decoder.push(Buffer.from('abcdef'))])).toEqual(['abcd']);
    expect(() => decoder.end()).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_EOF', size: 2 }),
    );
  });

  it("validates frameSize with Node's codes, naming it", () => {
    expect(() => new FixedDecoder({ frameSize: 0 })).toThrow(
      expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringContaining('"frameSize"'),
      }),
    );
  });
});

describe('encodeFixed', () => {
  it('pads a short message with NUL up to frameSize, and stripFixedPadding undoes it', () => {
    const record = encodeFixed('hi', { frameSize: 4 });
    expect(record.toString('hex')).toBe('68690000');
    expect(stripFixedPadding(record).toString()).toBe('hi');
  });

  it('accepts exactly frameSize bytes and refuses frameSize + 1 with ERR_MESSAGE_TOO_LONG', () => {
    expect(encodeFixed('abcd', { frameSize: 4 }).toString()).toBe('abcd');
    expect(() => encodeFixed('abcde', { frameSize: 4 })).toThrow(
      expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LONG' }),
    );
  });
});
