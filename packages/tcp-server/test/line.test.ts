import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramingError } from '../src/errors.ts';
import { LineDecoder, encodeLine } from '../src/protocol/line.ts';
import {
  chunkAt,
  cutsArb,
  decodeAll,
  decodeUntilError,
  everySplit,
  itDecodesInAnyChunking,
  text,
} from './chunking.ts';

const FIXTURE = Buffer.from('hello\nworld\r\n\n\r\n床前明月光\n', 'utf8');
const EXPECTED = ['hello', 'world', '', '', '床前明月光'].map((s) => Buffer.from(s, 'utf8'));

describe('LineDecoder', () => {
  // Lines end with \n; a \r before it is stripped.
  itDecodesInAnyChunking(() => new LineDecoder(), FIXTURE, EXPECTED);

  it('round-trips random messages through encodeLine in random chunks', () => {
    const message = fc
      .uint8Array({ maxLength: 300 })
      .filter((m) => !m.includes(0x0a) && m[m.length - 1] !== 0x0d);
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), cutsArb, (messages, cuts) => {
        const stream = Buffer.concat(messages.map((m) => encodeLine(m, { maxMessage: 300 })));
        const decoded = decodeAll(new LineDecoder({ maxMessage: 300 }), chunkAt(stream, cuts));
        expect(decoded).toEqual(messages.map((m) => Buffer.from(m)));
      }),
    );
  });

  it('turns random bytes into lines or only ERR_MESSAGE_TOO_LONG / ERR_UNEXPECTED_EOF', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cutsArb, (bytes, cuts) => {
        const decoder = new LineDecoder({ maxMessage: 16 });
        const { messages, error } = decodeUntilError(decoder, chunkAt(Buffer.from(bytes), cuts));
        for (const m of messages) expect(m.length).toBeLessThanOrEqual(16);
        if (error !== undefined) {
          expect(error).toBeInstanceOf(FramingError);
          expect(['ERR_MESSAGE_TOO_LONG', 'ERR_UNEXPECTED_EOF']).toContain(
            (error as FramingError).code,
          );
        }
        expect(decoder.buffered).toBeLessThanOrEqual(17);
      }),
    );
  });

  it('accepts a line of exactly maxMessage bytes, with LF or CRLF, in any chunking', () => {
    for (const stream of ['abcdefgh\n', 'abcdefgh\r\n']) {
      for (const chunks of everySplit(Buffer.from(stream))) {
        expect(text(decodeAll(new LineDecoder({ maxMessage: 8 }), chunks))).toEqual(['abcdefgh']);
      }
    }
  });

  it('rejects maxMessage + 1 bytes with ERR_MESSAGE_TOO_LONG, in any chunking', () => {
    for (const chunks of everySplit(Buffer.from('ok\nabcdefghi\n'))) {
      const { messages, error } = decodeUntilError(new LineDecoder({ maxMessage: 8 }), chunks);
      expect(text(messages)).toEqual(['ok']);
      expect(error).toMatchObject({ code: 'ERR_MESSAGE_TOO_LONG', limit: 8 });
    }
  });

  it('raises ERR_MESSAGE_TOO_LONG before the newline arrives, buffering nothing past the limit', () => {
    const decoder = new LineDecoder({ maxMessage: 8 });
    expect([...decoder.push(Buffer.from('abcdefgh'))]).toEqual([]);
    expect(decoder.buffered).toBe(8);
    expect(() => [...decoder.push(Buffer.from('i'))]).toThrow(
      expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LONG' }),
    );
    expect(decoder.buffered).toBe(0);
    // Failed for good: later chunks are refused, not buffered.
    expect(() => [...decoder.push(Buffer.from('\n'))]).toThrow(
      expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LONG' }),
    );
  });

  it('waits for the LF after maxMessage bytes plus a CR, then rejects anything else', () => {
    const ok = new LineDecoder({ maxMessage: 8 });
    expect([...ok.push(Buffer.from('abcdefgh\r'))]).toEqual([]);
    expect(text([...ok.push(Buffer.from('\n'))])).toEqual(['abcdefgh']);
    const bad = new LineDecoder({ maxMessage: 8 });
    expect([...bad.push(Buffer.from('abcdefgh\r'))]).toEqual([]);
    expect(() => [...bad.push(Buffer.from('x'))]).toThrow(
      expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LONG' }),
    );
  });

  it('yields the lines before an over-long one in the same chunk', () => {
    const decoder = new LineDecoder({ maxMessage: 4 });
    const seen: string[] = [];
    expect(() => {
      for (const m of decoder.push(Buffer.from('a\nbb\nccccc'))) seen.push(m.toString());
    }).toThrow(expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LONG' }));
    expect(seen).toEqual(['a', 'bb']);
  });

  it('reports an unterminated last line at end() as ERR_UNEXPECTED_EOF with its size', () => {
    const decoder = new LineDecoder();
    expect(text([...decoder.push(Buffer.from('one\ntwo'))])).toEqual(['one']);
    expect(() => decoder.end()).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_EOF', size: 3 }),
    );
  });

  it('keeps state per instance: two decoders fed interleaved halves stay separate', () => {
    const a = new LineDecoder();
    const b = new LineDecoder();
    expect([...a.push(Buffer.from('from-'))]).toEqual([]);
    expect([...b.push(Buffer.from('other-'))]).toEqual([]);
    expect(text([...a.push(Buffer.from('a\n'))])).toEqual(['from-a']);
    expect(text([...b.push(Buffer.from('b\n'))])).toEqual(['other-b']);
  });

  it("validates maxMessage with Node's codes, naming it", () => {
    expect(() => new LineDecoder({ maxMessage: 0 })).toThrow(
      expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringContaining('"maxMessage"'),
      }),
    );
    expect(() => new LineDecoder({ maxMessage: 1.5 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new LineDecoder({ maxMessage: '64' as unknown as number })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

describe('encodeLine', () => {
  it('appends LF', () => {
    expect(encodeLine('hi')).toEqual(Buffer.from('hi\n'));
  });

  it('refuses what would not survive decoding, with ERR_INVALID_MESSAGE', () => {
    expect(() => encodeLine('a\nb')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }),
    );
    expect(() => encodeLine('a\r')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }),
    );
  });

  it('refuses more than maxMessage bytes with ERR_MESSAGE_TOO_LONG', () => {
    expect(encodeLine('abcd', { maxMessage: 4 })).toEqual(Buffer.from('abcd\n'));
    expect(() => encodeLine('abcde', { maxMessage: 4 })).toThrow(
      expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LONG' }),
    );
  });
});
