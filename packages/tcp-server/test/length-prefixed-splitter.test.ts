import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COALESCE_BELOW } from '../src/constants.ts';
import { FramingError } from '../src/errors.ts';
import { LIMITS } from '../src/limits.ts';
import { encodeLengthPrefixed, lengthPrefixHeader } from '../src/protocol/length-prefixed.ts';
import { LengthPrefixedSplitter } from '../src/protocol/length-prefixed-splitter.ts';
import { byteByByte, chunkAt, cutsArb, everySplit } from './chunking.ts';

// The decoder's fixture: "hello", an empty payload, "床前明月光" (15 bytes of UTF-8).
const FIXTURE = Buffer.from(
  '00000005' + '68656c6c6f' + '00000000' + '0000000f' + 'e5ba8ae5898de6988ee69c88e58589',
  'hex',
);
/** Where each frame of FIXTURE ends. */
const FRAME_ENDS = [9, 13, 32];

interface Split {
  /** Every yield, in order (copies). */
  yields: Buffer[];
  /** The stream length after each push's yields: a consumer's view of what went out. */
  afterEachPush: number[];
  error: unknown;
}

/** Pushes `chunks`, then ends; collects the yields and the error thrown, if any. */
function split(splitter: LengthPrefixedSplitter, chunks: readonly Buffer[]): Split {
  const yields: Buffer[] = [];
  const afterEachPush: number[] = [];
  let out = 0;
  try {
    for (const chunk of chunks) {
      for (const frames of splitter.push(chunk)) {
        yields.push(Buffer.from(frames));
        out += frames.length;
      }
      afterEachPush.push(out);
    }
    splitter.end();
  } catch (error) {
    return { yields, afterEachPush, error };
  }
  return { yields, afterEachPush, error: undefined };
}

/** The yields are the stream up to the last frame complete at each push: never part of a frame. */
function expectWholeFrames(chunks: readonly Buffer[], ends: readonly number[]): void {
  const stream = Buffer.concat(chunks);
  const { yields, afterEachPush, error } = split(new LengthPrefixedSplitter(), chunks);
  expect(error).toBeUndefined();
  expect(Buffer.concat(yields)).toEqual(stream);
  let received = 0;
  chunks.forEach((chunk, i) => {
    received += chunk.length;
    const complete = Math.max(0, ...ends.filter((end) => end <= received));
    expect(afterEachPush[i]).toBe(complete);
  });
}

describe('LengthPrefixedSplitter', () => {
  it('hands the fixture on whole, as one view of the chunk', () => {
    const [only, ...rest] = [...new LengthPrefixedSplitter().push(FIXTURE)];
    expect(rest).toEqual([]);
    expect(only).toEqual(FIXTURE);
    expect(only!.buffer).toBe(FIXTURE.buffer);
  });

  it('split at every byte boundary, yields exactly the frames complete so far (a header split too)', () => {
    for (const chunks of everySplit(FIXTURE)) expectWholeFrames(chunks, FRAME_ENDS);
  });

  it('one byte at a time, yields each frame when its last byte arrives', () => {
    expectWholeFrames(byteByByte(FIXTURE), FRAME_ENDS);
  });

  it('in random chunks of random frames, yields whole frames and the stream unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 12 }),
        cutsArb,
        (payloads, cuts) => {
          const frames = payloads.map((p) => encodeLengthPrefixed(p));
          let end = 0;
          const ends = frames.map((f) => (end += f.length));
          expectWholeFrames(chunkAt(Buffer.concat(frames), cuts), ends);
        },
      ),
    );
  });

  it('turns random bytes into whole frames or only ERR_FRAME_TOO_LARGE / ERR_UNEXPECTED_EOF', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cutsArb, (bytes, cuts) => {
        const input = Buffer.from(bytes);
        const { yields, error } = split(
          new LengthPrefixedSplitter({ maxPayload: 64 }),
          chunkAt(input, cuts),
        );
        const out = Buffer.concat(yields);
        expect(out).toEqual(input.subarray(0, out.length));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(FramingError);
          expect(['ERR_FRAME_TOO_LARGE', 'ERR_UNEXPECTED_EOF']).toContain(
            (error as FramingError).code,
          );
        }
      }),
    );
  });

  it('hands on a frame spanning chunks as views of them, without copying', () => {
    const frame = encodeLengthPrefixed(Buffer.alloc(4 * COALESCE_BELOW, 1));
    const first = frame.subarray(0, 2 * COALESCE_BELOW);
    const second = frame.subarray(2 * COALESCE_BELOW);
    const splitter = new LengthPrefixedSplitter();
    expect([...splitter.push(first)]).toEqual([]);
    expect(splitter.buffered).toBe(first.length);
    const out = [...splitter.push(second)];
    expect(out.map((b) => b.buffer)).toEqual([frame.buffer, frame.buffer]);
    expect(Buffer.concat(out)).toEqual(frame);
    expect(splitter.buffered).toBe(0);
  });

  it('holds a frame sent a byte at a time in 1 KiB blocks, not a view per byte', () => {
    const frame = encodeLengthPrefixed(Buffer.alloc(20_000, 7));
    const splitter = new LengthPrefixedSplitter();
    const bytes = byteByByte(frame);
    let early = 0;
    for (const byte of bytes.slice(0, -1)) early += [...splitter.push(byte)].length;
    expect(early).toBe(0);
    expect(splitter.buffered).toBe(frame.length - 1);
    const out = [...splitter.push(bytes.at(-1)!)];
    expect(Buffer.concat(out)).toEqual(frame);
    // 19 blocks, up to 1,023 small pieces not yet coalesced, and the last byte.
    expect(out.length).toBeLessThan(frame.length / COALESCE_BELOW + COALESCE_BELOW + 1);
  });

  it('accepts a payload of exactly maxPayload bytes', () => {
    const frame = encodeLengthPrefixed(Buffer.alloc(16, 0x61));
    for (const chunks of everySplit(frame)) {
      const { yields, error } = split(new LengthPrefixedSplitter({ maxPayload: 16 }), chunks);
      expect(error).toBeUndefined();
      expect(Buffer.concat(yields)).toEqual(frame);
    }
  });

  it('rejects maxPayload + 1 from the header alone, holding none of it, and stays failed', () => {
    const splitter = new LengthPrefixedSplitter({ maxPayload: 16 });
    expect(() => [...splitter.push(lengthPrefixHeader(17))]).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE', declared: 17, limit: 16 }),
    );
    expect(splitter.buffered).toBe(0);
    expect(() => [...splitter.push(encodeLengthPrefixed('ok'))]).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }),
    );
  });

  it('rejects a 4 GiB declaration with the default 16 MiB limit, header split byte by byte', () => {
    const splitter = new LengthPrefixedSplitter();
    const chunks = byteByByte(Buffer.from('ffffffff', 'hex'));
    for (const chunk of chunks.slice(0, 3)) expect([...splitter.push(chunk)]).toEqual([]);
    expect(() => [...splitter.push(chunks[3]!)]).toThrow(
      expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE', declared: 0xffff_ffff }),
    );
  });

  it('yields the frames before an oversized header in the same chunk, then throws', () => {
    const ok = encodeLengthPrefixed('ok');
    const seen: Buffer[] = [];
    const splitter = new LengthPrefixedSplitter({ maxPayload: 4 });
    expect(() => {
      for (const frames of splitter.push(Buffer.concat([ok, lengthPrefixHeader(5)])))
        seen.push(frames);
    }).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }));
    expect(seen).toEqual([ok]);
  });

  it('reports a cut-short header or payload at end() as ERR_UNEXPECTED_EOF with the bytes received', () => {
    const header = new LengthPrefixedSplitter();
    expect([...header.push(Buffer.from([0, 0]))]).toEqual([]);
    expect(() => header.end()).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_EOF', size: 2 }),
    );
    const payload = new LengthPrefixedSplitter();
    expect([...payload.push(encodeLengthPrefixed('hello').subarray(0, 7))]).toEqual([]);
    expect(() => payload.end()).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_EOF', size: 7 }),
    );
  });

  it('keeps state per instance: interleaved partial frames on two splitters stay separate', () => {
    const a = new LengthPrefixedSplitter();
    const b = new LengthPrefixedSplitter();
    const fa = encodeLengthPrefixed('alpha');
    const fb = encodeLengthPrefixed('bravo!');
    expect([...a.push(fa.subarray(0, 6))]).toEqual([]);
    expect([...b.push(fb.subarray(0, 2))]).toEqual([]);
    expect(Buffer.concat([...a.push(fa.subarray(6))])).toEqual(fa);
    expect(Buffer.concat([...b.push(fb.subarray(2))])).toEqual(fb);
  });

  it("validates maxPayload against LIMITS with Node's codes, naming it", () => {
    for (const bad of [LIMITS.maxPayload.min - 1, LIMITS.maxPayload.max + 1]) {
      expect(() => new LengthPrefixedSplitter({ maxPayload: bad })).toThrow(
        expect.objectContaining({
          code: 'ERR_OUT_OF_RANGE',
          message: expect.stringContaining('"maxPayload"'),
        }),
      );
    }
  });
});
