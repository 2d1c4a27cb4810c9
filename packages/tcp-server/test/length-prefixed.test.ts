import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramingError } from '../src/errors.ts';
import { LIMITS } from '../src/limits.ts';
import {
  LengthPrefixedDecoder,
  encodeLengthPrefixed,
  lengthPrefixHeader,
} from '../src/protocol/length-prefixed.ts';
import {
  byteByByte,
  chunkAt,
  cutsArb,
  decodeAll,
  decodeUntilError,
  everySplit,
  itDecodesInAnyChunking,
  text,
} from './chunking.ts';

// Three frames: "hello", an empty payload, "床前明月光" (15 bytes of UTF-8).
const FIXTURE = Buffer.from(
  '00000005' + '68656c6c6f' + '00000000' + '0000000f' + 'e5ba8ae5898de6988ee69c88e58589',
  'hex',
);
const EXPECTED = ['hello', '', '床前明月光'].map((s) => Buffer.from(s, 'utf8'));

describe('LengthPrefixedDecoder', () => {
  itDecodesInAnyChunking(() => new LengthPrefixedDecoder(), FIXTURE, EXPECTED);

  it('round-trips random payloads in random chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 20 }),
        cutsArb,
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => encodeLengthPrefixed(p)));
          expect(decodeAll(new LengthPrefixedDecoder(), chunkAt(stream, cuts))).toEqual(
            payloads.map((p) => Buffer.from(p)),
          );
        },
      ),
    );
  });

  it('turns random bytes into payloads or only ERR_FRAME_TOO_LARGE / ERR_UNEXPECTED_EOF', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cutsArb, (bytes, cuts) => {
        const { messages, error } = decodeUntilError(
          new LengthPrefixedDecoder({ maxPayload: 64 }),
          chunkAt(Buffer.from(bytes), cuts),
        );
        for (const m of messages) expect(m.length).toBeLessThanOrEqual(64);
        if (error !== undefined) {
          expect(error).toBeInstanceOf(FramingError);
          expect(['ERR_FRAME_TOO_LARGE', 'ERR_UNEXPECTED_EOF']).toContain(
            (error as FramingError).code,
          );
        }
      }),
    );
  });

  it('accepts a payload of exactly maxPayload bytes', () => {
    const frame = encodeLengthPrefixed(Buffer.alloc(16, 0x61));
    for (const chunks of everySplit(frame)) {
      expect(text(decodeAll(new LengthPrefixedDecoder({ maxPayload: 16 }), chunks))).toEqual([
        'a'.repeat(16),
      ]);
    }
  });

  it('rejects maxPayload + 1 from the header alone, before any payload byte arrives', () => {
    const decoder = new LengthPrefixedDecoder({ maxPayload: 16 });
    expect(() => [...decoder.push(lengthPrefixHeader(17))]).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE', declared: 17, limit: 16 }),
    );
    expect(decoder.buffered).toBe(0);
    expect(() => [...decoder.push(Buffer.alloc(17))]).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }),
    );
  });

  it('rejects a 4 GiB declaration with the default 16 MiB limit, header split byte by byte', () => {
    const decoder = new LengthPrefixedDecoder();
    const chunks = byteByByte(Buffer.from('ffffffff', 'hex'));
    expect([...decoder.push(chunks[0]!)]).toEqual([]);
    expect([...decoder.push(chunks[1]!)]).toEqual([]);
    expect([...decoder.push(chunks[2]!)]).toEqual([]);
    expect(() => [...decoder.push(chunks[3]!)]).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE', declared: 0xffff_ffff }),
    );
  });

  it('yields the frames before an oversized header in the same chunk', () => {
    const decoder = new LengthPrefixedDecoder({ maxPayload: 4 });
    const seen: string[] = [];
    expect(() => {
      for (const m of decoder.push(
        Buffer.concat([encodeLengthPrefixed('ok'), lengthPrefixHeader(5)]),
      ))
        seen.push(m.toString());
    }).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }));
    expect(seen).toEqual(['ok']);
  });

  it('reports a cut-short header or payload at end() as ERR_UNEXPECTED_EOF with the bytes received', () => {
    const header = new LengthPrefixedDecoder();
    expect([...header.push(Buffer.from([0, 0]))]).toEqual([]);
    expect(() => header.end()).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_EOF', size: 2 }),
    );
    const payload = new LengthPrefixedDecoder();
    expect([...payload.push(encodeLengthPrefixed('hello').subarray(0, 7))]).toEqual([]);
    expect(() => payload.end()).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_EOF', size: 7 }),
    );
  });

  it("validates maxPayload against LIMITS with Node's codes, naming it", () => {
    expect(new LengthPrefixedDecoder({ maxPayload: LIMITS.maxPayload.max }).maxPayload).toBe(
      LIMITS.maxPayload.max,
    );
    for (const bad of [LIMITS.maxPayload.min - 1, LIMITS.maxPayload.max + 1]) {
      expect(() => new LengthPrefixedDecoder({ maxPayload: bad })).toThrow(
        expect.objectContaining({
          code: 'ERR_OUT_OF_RANGE',
          message: expect.stringContaining('"maxPayload"'),
        }),
      );
    }
  });

  it('returns a view of the chunk (no copy) when a payload lies inside one chunk', () => {
    const chunk = encodeLengthPrefixed('hello');
    const [payload] = [...new LengthPrefixedDecoder().push(chunk)];
    expect(payload!.buffer).toBe(chunk.buffer);
  });

  it('keeps state per instance: interleaved partial frames on two decoders stay separate', () => {
    const a = new LengthPrefixedDecoder();
    const b = new LengthPrefixedDecoder();
    const fa = encodeLengthPrefixed('alpha');
    const fb = encodeLengthPrefixed('bravo!');
    expect([...a.push(fa.subarray(0, 6))]).toEqual([]);
    expect([...b.push(fb.subarray(0, 2))]).toEqual([]);
    expect(text([...a.push(fa.subarray(6))])).toEqual(['alpha']);
    expect(text([...b.push(fb.subarray(2))])).toEqual(['bravo!']);
  });
});

describe('encodeLengthPrefixed', () => {
  it('writes a 4-byte unsigned big-endian length, then the payload', () => {
    expect(encodeLengthPrefixed('hi').toString('hex')).toBe('000000026869');
  });

  it('refuses more than maxPayload with ERR_FRAME_TOO_LARGE', () => {
    expect(() => encodeLengthPrefixed('abcde', { maxPayload: 4 })).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }),
    );
  });
});
