import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.ts';
import { WsProtocolError } from '../src/errors.ts';
import { FrameDecoder, type FrameHeader, type Role } from '../src/protocol/frame-decoder.ts';
import { encodeFrame } from '../src/protocol/frame-encoder.ts';
import { randomChunks, seeded, splitAt, type Frame as RawFrame } from './helpers.ts';

/** A decoded frame (these tests never set RSV1 where it is valid). */
type Frame = Omit<RawFrame, 'rsv1'>;

/** Decodes copies of `chunks` (the decoder unmasks in place, so fixtures must not be fed twice). */
function decode(chunks: Buffer[], role: Role, maxPayload = 2 ** 30): Frame[] {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder(
    {
      onHeader: () => {},
      onFrame: (h: FrameHeader, p: Buffer) =>
        frames.push({ fin: h.fin, opcode: h.opcode, masked: h.masked, payload: Buffer.from(p) }),
    },
    { role, maxPayload },
  );
  for (const chunk of chunks) decoder.push(Buffer.from(chunk));
  expect(decoder.bufferedBytes).toBe(0);
  return frames;
}

function decodeError(bytes: Buffer, role: Role, maxPayload = 2 ** 30): WsProtocolError {
  try {
    decode([bytes], role, maxPayload);
  } catch (err) {
    expect(err).toBeInstanceOf(WsProtocolError);
    return err as WsProtocolError;
  }
  throw new Error('expected a protocol error');
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const HELLO = Buffer.from('Hello');

// RFC 6455 §5.7 examples.
const FIXTURES: { name: string; role: Role; bytes: Buffer; frames: Frame[] }[] = [
  {
    name: 'single-frame unmasked text (§5.7)',
    role: 'client',
    bytes: hex('81 05 48656c6c6f'),
    frames: [{ fin: true, opcode: Opcode.Text, masked: false, payload: HELLO }],
  },
  {
    name: 'single-frame masked text (§5.7)',
    role: 'server',
    bytes: hex('81 85 37fa213d 7f9f4d5158'),
    frames: [{ fin: true, opcode: Opcode.Text, masked: true, payload: HELLO }],
  },
  {
    name: 'fragmented unmasked text (§5.7)',
    role: 'client',
    bytes: hex('01 03 48656c 80 02 6c6f'),
    frames: [
      { fin: false, opcode: Opcode.Text, masked: false, payload: Buffer.from('Hel') },
      { fin: true, opcode: Opcode.Continuation, masked: false, payload: Buffer.from('lo') },
    ],
  },
  {
    name: 'unmasked ping (§5.7)',
    role: 'client',
    bytes: hex('89 05 48656c6c6f'),
    frames: [{ fin: true, opcode: Opcode.Ping, masked: false, payload: HELLO }],
  },
  {
    name: 'masked pong (§5.7)',
    role: 'server',
    bytes: hex('8a 85 37fa213d 7f9f4d5158'),
    frames: [{ fin: true, opcode: Opcode.Pong, masked: true, payload: HELLO }],
  },
  {
    name: '256 bytes binary, 16-bit length (§5.7)',
    role: 'client',
    bytes: Buffer.concat([hex('82 7e 0100'), Buffer.alloc(256, 0xab)]),
    frames: [{ fin: true, opcode: Opcode.Binary, masked: false, payload: Buffer.alloc(256, 0xab) }],
  },
  {
    name: '64 KiB binary, 64-bit length (§5.7)',
    role: 'client',
    bytes: Buffer.concat([hex('82 7f 0000000000010000'), Buffer.alloc(65536, 0xcd)]),
    frames: [
      { fin: true, opcode: Opcode.Binary, masked: false, payload: Buffer.alloc(65536, 0xcd) },
    ],
  },
  {
    name: 'empty masked close',
    role: 'server',
    bytes: hex('88 80 01020304'),
    frames: [{ fin: true, opcode: Opcode.Close, masked: true, payload: Buffer.alloc(0) }],
  },
];

describe('FrameDecoder fixtures', () => {
  /** Payloads as hex: comparing 64 KiB buffers element by element is slow in vitest. */
  const view = (frames: Frame[]): object[] =>
    frames.map((f) => ({ ...f, payload: f.payload.toString('hex') }));
  for (const f of FIXTURES) {
    it(`decodes ${f.name} whole, split at every byte boundary, byte by byte and in random chunks`, () => {
      const expected = view(f.frames);
      expect(view(decode([f.bytes], f.role))).toEqual(expected);
      // Every boundary in the header and the first payload bytes, then every 997th byte of a big payload.
      for (let i = 0; i <= f.bytes.length; i += i < 64 ? 1 : 997)
        expect(view(decode(splitAt(f.bytes, i), f.role))).toEqual(expected);
      if (f.bytes.length < 1000)
        expect(
          view(
            decode(
              [...f.bytes].map((b) => Buffer.from([b])),
              f.role,
            ),
          ),
        ).toEqual(expected);
      const rand = seeded(f.bytes.length);
      for (let n = 0; n < 20; n += 1)
        expect(
          view(decode(randomChunks(f.bytes, rand, f.bytes.length > 1000 ? 4000 : 7), f.role)),
        ).toEqual(expected);
    });
  }

  it('decodes two frames that share one chunk and a frame spanning chunks', () => {
    const bytes = Buffer.concat([hex('81 05 48656c6c6f'), hex('82 02 0102')]);
    expect(decode([bytes], 'client').map((f) => f.payload.toString('hex'))).toEqual([
      '48656c6c6f',
      '0102',
    ]);
    expect(decode([bytes.subarray(0, 9), bytes.subarray(9)], 'client')).toHaveLength(2);
  });

  it('returns a view of the chunk (no copy) when a payload lies in one chunk', () => {
    const chunk = hex('82 03 010203');
    let seen: Buffer | undefined;
    new FrameDecoder(
      { onHeader: () => {}, onFrame: (_h, p) => (seen = p) },
      { role: 'client', maxPayload: 100 },
    ).push(chunk);
    expect(seen!.buffer).toBe(chunk.buffer);
  });

  for (const length of [0, 125, 126, 127, 65535, 65536]) {
    it(`round-trips a masked payload of ${length} bytes at the length-encoding boundary`, () => {
      const payload = Buffer.alloc(length, 7);
      const bytes = Buffer.concat(encodeFrame(Opcode.Binary, payload, { mask: true }));
      const headerSize = (length < 126 ? 2 : length < 65536 ? 4 : 10) + 4;
      expect(bytes.length).toBe(headerSize + length);
      const [frame] = decode([bytes], 'server');
      expect(frame!.payload.equals(payload)).toBe(true);
      expect(frame!.masked).toBe(true);
      for (let i = 0; i <= headerSize + 1; i += 1)
        expect(decode(splitAt(bytes, i), 'server')[0]!.payload.length).toBe(length);
    });
  }
});

describe('FrameDecoder errors (each a WsProtocolError with its close code)', () => {
  const cases: [string, Buffer, Role, string, number][] = [
    ['RSV1 without an extension', hex('c1 80 00000000'), 'server', 'ERR_WS_RESERVED_BITS', 1002],
    ['RSV2', hex('a1 80 00000000'), 'server', 'ERR_WS_RESERVED_BITS', 1002],
    ['RSV3', hex('91 80 00000000'), 'server', 'ERR_WS_RESERVED_BITS', 1002],
    ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map(
      (op) =>
        [
          `reserved opcode 0x${op.toString(16)}`,
          Buffer.from([0x80 | op, 0x80, 0, 0, 0, 0]),
          'server',
          'ERR_WS_RESERVED_OPCODE',
          1002,
        ] as [string, Buffer, Role, string, number],
    ),
    ['fragmented ping (FIN=0)', hex('09 80 00000000'), 'server', 'ERR_WS_CONTROL_FRAGMENTED', 1002],
    ['close frame of 126 bytes', hex('88 fe 007e'), 'server', 'ERR_WS_CONTROL_TOO_LONG', 1002],
    ['unmasked client frame', hex('81 00'), 'server', 'ERR_WS_EXPECTED_MASK', 1002],
    ['masked server frame', hex('81 80 00000000'), 'client', 'ERR_WS_UNEXPECTED_MASK', 1002],
    [
      '64-bit length with the MSB set',
      hex('82 ff 8000000000000000'),
      'server',
      'ERR_WS_LENGTH_MSB',
      1002,
    ],
    ['16-bit length under 126', hex('82 fe 007d'), 'server', 'ERR_WS_NON_MINIMAL_LENGTH', 1002],
    [
      '64-bit length under 65536',
      hex('82 ff 000000000000ffff'),
      'server',
      'ERR_WS_NON_MINIMAL_LENGTH',
      1002,
    ],
  ];
  for (const [name, bytes, role, code, closeCode] of cases) {
    it(`rejects ${name} with ${code} (${closeCode})`, () => {
      const err = decodeError(bytes, role);
      expect(err.code).toBe(code);
      expect(err.closeCode).toBe(closeCode);
    });
  }

  it('rejects a payload over maxPayload from the header, before any payload byte arrives (1009)', () => {
    const header = hex('82 7f 0000000100000000'); // 4 GiB announced, nothing sent
    const err = decodeError(header, 'client', 16 * 1024 * 1024);
    expect(err.code).toBe('ERR_WS_PAYLOAD_TOO_BIG');
    expect(err.closeCode).toBe(1009);
  });

  it('ignores input after an error', () => {
    const decoder = new FrameDecoder(
      { onHeader: () => {}, onFrame: () => expect.unreachable() },
      { role: 'server', maxPayload: 10 },
    );
    expect(() => decoder.push(hex('81 00'))).toThrow(WsProtocolError);
    decoder.push(hex('81 80 00000000'));
  });
});

describe('FrameDecoder properties (fast-check)', () => {
  const frameArb = fc.record({
    opcode: fc.constantFrom(
      Opcode.Text,
      Opcode.Binary,
      Opcode.Continuation,
      Opcode.Ping,
      Opcode.Pong,
      Opcode.Close,
    ),
    fin: fc.boolean(),
    payload: fc.uint8Array({ maxLength: 300 }),
  });

  it('decode(encode(frames)) is the identity for any chunking, both roles', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 8 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        (specs, masked, chunk) => {
          const frames = specs.map((s) => {
            const control = s.opcode >= Opcode.Close;
            const payload = Buffer.from(control ? s.payload.subarray(0, 125) : s.payload);
            return { fin: control ? true : s.fin, opcode: s.opcode, masked, payload };
          });
          const bytes = Buffer.concat(
            frames.flatMap((f) => encodeFrame(f.opcode, f.payload, { fin: f.fin, mask: masked })),
          );
          const chunks: Buffer[] = [];
          for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
          expect(decode(chunks, masked ? 'server' : 'client')).toEqual(frames);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes only ever produce a WsProtocolError, never another exception', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom<Role>('server', 'client'),
        (bytes, role) => {
          const decoder = new FrameDecoder(
            { onHeader: () => {}, onFrame: () => {} },
            { role, maxPayload: 1024 },
          );
          try {
            decoder.push(Buffer.from(bytes));
          } catch (err) {
            expect(err).toBeInstanceOf(WsProtocolError);
            expect([1002, 1009]).toContain((err as WsProtocolError).closeCode);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('FrameDecoder with permessage-deflate (RFC 7692 §6)', () => {
  const frames: FrameHeader[] = [];
  const decoder = (): FrameDecoder =>
    new FrameDecoder(
      { onHeader: () => {}, onFrame: (h: FrameHeader) => frames.push(h) },
      { role: 'client', maxPayload: 1024, perMessageDeflate: true },
    );
  const fails = (bytes: Buffer): string | undefined => {
    try {
      decoder().push(bytes);
    } catch (err) {
      if (err instanceof WsProtocolError) return `${err.code} ${err.closeCode}`;
      throw err;
    }
    return undefined;
  };

  it('accepts RSV1 on the first frame of a text or binary message', () => {
    frames.length = 0;
    const d = decoder();
    d.push(hex('c1 01 00')); // FIN, RSV1, text
    d.push(hex('42 01 00 80 01 00')); // RSV1 binary fragment, then a continuation
    expect(frames.map((f) => [f.opcode, f.rsv1, f.fin])).toEqual([
      [Opcode.Text, true, true],
      [Opcode.Binary, true, false],
      [Opcode.Continuation, false, true],
    ]);
  });

  for (const [name, bytes] of [
    ['a continuation frame', hex('c0 00')],
    ['a ping', hex('c9 00')],
    ['a close frame', hex('c8 00')],
    ['RSV2', hex('a1 00')],
    ['RSV3', hex('91 00')],
  ] as const) {
    it(`rejects RSV1 on ${name} with 1002`, () => {
      expect(fails(bytes)).toBe('ERR_WS_RESERVED_BITS 1002');
    });
  }

  it('holds frames while the sink works on one, and delivers them on release', () => {
    const seen: string[] = [];
    const d: FrameDecoder = new FrameDecoder(
      {
        onHeader: () => {},
        onFrame: (h: FrameHeader, p: Buffer) => {
          seen.push(p.toString());
          if (h.rsv1) d.hold();
        },
      },
      { role: 'client', maxPayload: 1024, perMessageDeflate: true },
    );
    d.push(Buffer.concat([hex('c1 01 61'), hex('81 01 62')])); // "a" (RSV1), then "b"
    expect([seen, d.held]).toEqual([['a'], true]);
    d.push(hex('81 01 63'));
    expect(seen).toEqual(['a']);
    d.release();
    expect([seen, d.held]).toEqual([['a', 'b', 'c'], false]);
  });
});
