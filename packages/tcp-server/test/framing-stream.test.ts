import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createDecoder, createEncoder, DecodeStream, EncodeStream } from '../src/framing-stream.ts';

async function collect(stream: Readable): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const m of stream) out.push(Buffer.from(m as Buffer));
  return out;
}

describe('DecodeStream / EncodeStream', () => {
  it.each(['line', 'length', 'fixed'] as const)(
    '%s: messages → EncodeStream → bytes → DecodeStream → the same messages',
    async (framing) => {
      const messages = ['a', 'bb', '', 'dddd'].map((s) => Buffer.from(s));
      const encoded = await collect(
        Readable.from(messages).pipe(new EncodeStream(createEncoder(framing, { frameSize: 4 }))),
      );
      const bytes = Buffer.concat(encoded);
      const oneByteChunks = Readable.from(
        [...bytes].map((b) => Buffer.from([b])),
        { objectMode: true },
      );
      const decoded = await collect(
        oneByteChunks.pipe(new DecodeStream(createDecoder(framing, { frameSize: 4 }))),
      );
      const expected =
        framing === 'fixed'
          ? messages.map((m) => Buffer.concat([m, Buffer.alloc(4 - m.length)]))
          : messages;
      expect(decoded).toEqual(expected);
    },
  );

  it.each(['line', 'length'] as const)(
    '%s: messages above the copy threshold are written uncopied, next to their framing',
    async (framing) => {
      const big = Buffer.alloc(20_000, 0x61);
      const encode = createEncoder(framing);
      const [first, second] = encode(big);
      expect(framing === 'line' ? first : second).toBe(big); // the same Buffer, not a copy
      const bytes = Buffer.concat(encode(big));
      const decoded = await collect(
        Readable.from([bytes]).pipe(new DecodeStream(createDecoder(framing))),
      );
      expect(decoded).toEqual([big]);
    },
  );

  it('line: refuses a large message containing \\n or over maxMessage, copy or not', () => {
    const encode = createEncoder('line', { maxMessage: 30_000 });
    const withNewline = Buffer.alloc(20_000, 0x61);
    withNewline[10] = 0x0a;
    expect(() => encode(withNewline)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_MESSAGE' }),
    );
    expect(() => encode(Buffer.alloc(30_001, 0x61))).toThrow(
      expect.objectContaining({ code: 'ERR_MESSAGE_TOO_LONG' }),
    );
  });

  it('errors with the decoder code, after pushing the messages before the error', async () => {
    const decoder = new DecodeStream(createDecoder('line', { maxMessage: 3 }));
    const seen: string[] = [];
    decoder.on('data', (m: Buffer) => seen.push(m.toString()));
    await expect(
      pipeline(Readable.from([Buffer.from('ok\ntoolong\n')]), decoder),
    ).rejects.toMatchObject({ code: 'ERR_MESSAGE_TOO_LONG' });
    expect(seen).toEqual(['ok']);
  });

  it('errors with ERR_UNEXPECTED_EOF when the input ends inside a message', async () => {
    const decoder = new DecodeStream(createDecoder('length'));
    decoder.resume();
    await expect(
      pipeline(Readable.from([Buffer.from([0, 0, 0, 9, 1])]), decoder),
    ).rejects.toMatchObject({ code: 'ERR_UNEXPECTED_EOF', size: 5 });
  });

  it('EncodeStream errors with the encoder code for a message it cannot frame', async () => {
    const encoder = new EncodeStream(createEncoder('fixed', { frameSize: 2 }));
    encoder.resume();
    await expect(pipeline(Readable.from([Buffer.from('abc')]), encoder)).rejects.toMatchObject({
      code: 'ERR_MESSAGE_TOO_LONG',
    });
  });
});
