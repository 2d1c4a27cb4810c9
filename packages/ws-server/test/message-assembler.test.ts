import { describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.ts';
import { WsProtocolError } from '../src/errors.ts';
import { FrameDecoder } from '../src/protocol/frame-decoder.ts';
import { encodeFrame } from '../src/protocol/frame-encoder.ts';
import { MessageAssembler } from '../src/protocol/message-assembler.ts';

type Event = [string, ...unknown[]];

/** Frames as [opcode, payload, fin]; returns the events delivered and the error thrown, if any. */
function run(
  frames: [Opcode, Buffer | string, boolean?][],
  maxPayload = 1024,
): { events: Event[]; error?: WsProtocolError; beforeError: number } {
  const events: Event[] = [];
  const assembler = new MessageAssembler(
    {
      onMessage: (data, isBinary) =>
        events.push(['message', Buffer.isBuffer(data) ? data.toString('hex') : data, isBinary]),
      onPing: (p) => events.push(['ping', p.toString()]),
      onPong: (p) => events.push(['pong', p.toString()]),
      onClose: (code, reason) => events.push(['close', code, reason]),
      onCompressedFrame: () => {
        throw new Error('no compressed frames here');
      },
    },
    { maxPayload },
  );
  const decoder = new FrameDecoder(assembler, { role: 'client', maxPayload });
  let pushed = 0;
  try {
    for (const [opcode, payload, fin] of frames) {
      decoder.push(Buffer.concat(encodeFrame(opcode, payload, { fin: fin ?? true })));
      pushed += 1;
    }
  } catch (err) {
    if (!(err instanceof WsProtocolError)) throw err;
    return { events, error: err, beforeError: pushed };
  }
  return { events, beforeError: pushed };
}

const bytes = (...b: number[]): Buffer => Buffer.from(b);

describe('MessageAssembler (RFC 6455 §5.4)', () => {
  it('joins fragments, with control frames between them', () => {
    const { events, error } = run([
      [Opcode.Text, 'Hel', false],
      [Opcode.Ping, 'p'],
      [Opcode.Continuation, 'lo', false],
      [Opcode.Pong, 'q'],
      [Opcode.Continuation, '!', true],
      [Opcode.Binary, bytes(1), false],
      [Opcode.Continuation, bytes(2, 3), true],
    ]);
    expect(error).toBeUndefined();
    expect(events).toEqual([
      ['ping', 'p'],
      ['pong', 'q'],
      ['message', 'Hello!', false],
      ['message', '010203', true],
    ]);
  });

  it('accepts empty fragments and empty messages', () => {
    expect(
      run([
        [Opcode.Text, '', false],
        [Opcode.Continuation, '', true],
        [Opcode.Binary, ''],
      ]).events,
    ).toEqual([
      ['message', '', false],
      ['message', '', true],
    ]);
  });

  it('rejects a continuation without a started message (1002)', () => {
    expect(run([[Opcode.Continuation, 'x']]).error).toMatchObject({
      code: 'ERR_WS_UNEXPECTED_CONTINUATION',
      closeCode: 1002,
    });
  });

  it('rejects a new data frame while a fragmented message is open (1002)', () => {
    expect(
      run([
        [Opcode.Text, 'a', false],
        [Opcode.Text, 'b'],
      ]).error,
    ).toMatchObject({ code: 'ERR_WS_EXPECTED_CONTINUATION', closeCode: 1002 });
  });

  it('enforces maxPayload on the whole message, from the header of the fragment that crosses it (1009)', () => {
    const { error, beforeError } = run(
      [
        [Opcode.Binary, Buffer.alloc(600), false],
        [Opcode.Continuation, Buffer.alloc(600), true],
      ],
      1000,
    );
    expect(error).toMatchObject({ code: 'ERR_WS_PAYLOAD_TOO_BIG', closeCode: 1009 });
    expect(beforeError).toBe(1);
    expect(
      run(
        [
          [Opcode.Binary, Buffer.alloc(500), false],
          [Opcode.Continuation, Buffer.alloc(500), true],
        ],
        1000,
      ).error,
    ).toBeUndefined();
  });

  it('accepts a character split across fragments at every byte boundary (静夜思)', () => {
    const text = Buffer.from('床前明月光，疑是地上霜。😀');
    for (let i = 0; i <= text.length; i += 1) {
      const { events, error } = run([
        [Opcode.Text, text.subarray(0, i), false],
        [Opcode.Continuation, text.subarray(i), true],
      ]);
      expect(error).toBeUndefined();
      expect(events).toEqual([['message', text.toString(), false]]);
    }
  });

  it('fails invalid UTF-8 in the fragment that contains it, before the message is complete (1007)', () => {
    const { error, beforeError } = run([
      [Opcode.Text, 'ok', false],
      [
        Opcode.Continuation,
        bytes(
          0xce,
          0xba,
          0xe1,
          0xbd,
          0xb9,
          0xcf,
          0x83,
          0xce,
          0xbc,
          0xce,
          0xb5,
          0xf4,
          0x90,
          0x80,
          0x80,
        ),
        false,
      ],
      [Opcode.Continuation, 'never read', true],
    ]);
    expect(error).toMatchObject({ code: 'ERR_WS_INVALID_UTF8', closeCode: 1007 });
    expect(beforeError).toBe(1);
  });

  const invalid: [string, Buffer][] = [
    ['a lone 0xFF', bytes(0xff)],
    ['an overlong "/" (C0 AF)', bytes(0xc0, 0xaf)],
    ['a UTF-16 surrogate (ED A0 80)', bytes(0xed, 0xa0, 0x80)],
    ['a code point above U+10FFFF (F4 90 80 80)', bytes(0xf4, 0x90, 0x80, 0x80)],
    ['an incomplete sequence at FIN (E2 82)', bytes(0xe2, 0x82)],
  ];
  for (const [name, payload] of invalid) {
    it(`rejects ${name} in a single frame and in a fragmented message (1007)`, () => {
      expect(run([[Opcode.Text, payload]]).error).toMatchObject({
        code: 'ERR_WS_INVALID_UTF8',
        closeCode: 1007,
      });
      expect(
        run([
          [Opcode.Text, 'a', false],
          [Opcode.Continuation, payload, true],
        ]).error,
      ).toMatchObject({ code: 'ERR_WS_INVALID_UTF8' });
    });
  }

  it('accepts U+10FFFF and a BOM, and keeps the BOM', () => {
    const text = Buffer.concat([bytes(0xef, 0xbb, 0xbf), bytes(0xf4, 0x8f, 0xbf, 0xbf)]);
    expect(
      run([
        [Opcode.Text, text.subarray(0, 2), false],
        [Opcode.Continuation, text.subarray(2), true],
      ]).events,
    ).toEqual([['message', text.toString(), false]]);
  });

  it('parses close frames and rejects bad ones', () => {
    expect(run([[Opcode.Close, Buffer.from([0x03, 0xe8, 0x6f, 0x6b])]]).events).toEqual([
      ['close', 1000, 'ok'],
    ]);
    expect(run([[Opcode.Close, bytes(0x03)]]).error).toMatchObject({ closeCode: 1002 });
  });
});
