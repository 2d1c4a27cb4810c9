/**
 * A conformance matrix organised like the Autobahn TestSuite's categories, written from RFC 6455
 * and driven through raw TCP sockets against the running server's `/echo`. Every "fail the
 * connection" case asserts the close code the server sends before closing TCP.
 */
import { startServer, Teardown, type TestServer } from 'common/harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.ts';
import { createWsServer } from '../src/server.ts';
import { clientFrame, closeCodeOf, openRaw, type Frame, type RawWs } from './helpers.ts';

const MAX_PAYLOAD = 256 * 1024;
const teardown = new Teardown();
afterEach(() => teardown.run());
let server: TestServer;
beforeAll(async () => {
  server = await startServer(createWsServer({ maxPayload: MAX_PAYLOAD, heartbeatInterval: 0 }));
});
afterAll(() => server.close());

async function open(): Promise<RawWs> {
  const ws = await openRaw(server.port, '/echo');
  teardown.add(ws, () => ws.client.destroy());
  return ws;
}

/** Sends `bytes` (optionally one byte per write) and returns every frame until the server closes TCP. */
async function exchange(bytes: Buffer[], oneByteAtATime = false): Promise<Frame[]> {
  const ws = await open();
  for (const b of bytes) {
    if (oneByteAtATime) for (const byte of b) ws.client.write(Buffer.from([byte]));
    else ws.client.write(b);
  }
  return ws.framesUntilEnd();
}

/** Runs `bytes` and expects the server to fail the connection with `code` (close frame, then TCP close). */
async function expectFailure(bytes: Buffer[], code: number): Promise<Frame[]> {
  const frames = await exchange(bytes);
  const last = frames.at(-1);
  expect(last?.opcode, `frames: ${JSON.stringify(frames)}`).toBe(Opcode.Close);
  expect(closeCodeOf(last)).toBe(code);
  return frames;
}

const close = (code = 1000, reason = ''): Buffer => {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code);
  payload.write(reason, 2);
  return clientFrame(Opcode.Close, payload);
};
const f = clientFrame;
const bytes = (...b: number[]): Buffer => Buffer.from(b);

describe('1 framing', () => {
  for (const length of [0, 125, 126, 127, 65535, 65536]) {
    it(`echoes a text and a binary message of ${length} bytes`, async () => {
      const text = 'x'.repeat(length);
      const bin = Buffer.alloc(length, 0xfe);
      const frames = await exchange([f(Opcode.Text, text), f(Opcode.Binary, bin), close()]);
      expect(frames.map((x) => [x.opcode, x.payload.length, x.masked])).toEqual([
        [Opcode.Text, length, false],
        [Opcode.Binary, length, false],
        [Opcode.Close, 2, false],
      ]);
      expect(frames.some((x) => x.rsv1)).toBe(false); // no extension: RSV1 never set
      expect(frames[0]!.payload.toString()).toBe(text);
      expect(frames[1]!.payload.equals(bin)).toBe(true);
    });
  }

  it('echoes frames written one byte at a time', async () => {
    const frames = await exchange(
      [f(Opcode.Text, 'Hello'), f(Opcode.Binary, Buffer.alloc(300, 1)), close()],
      true,
    );
    expect(frames.map((x) => x.payload.length)).toEqual([5, 300, 2]);
  });

  it('fails an unmasked client frame (1002)', async () => {
    await expectFailure([bytes(0x81, 0x02, 0x68, 0x69)], 1002);
  });

  it('fails a 64-bit length with the MSB set (1002)', async () => {
    await expectFailure([bytes(0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0)], 1002);
  });
});

describe('2 ping/pong', () => {
  it('answers a ping with a pong carrying the same payload (0 and 125 bytes)', async () => {
    const big = Buffer.alloc(125, 0x2a);
    const frames = await exchange([f(Opcode.Ping, ''), f(Opcode.Ping, big), close()]);
    expect(frames.map((x) => x.opcode)).toEqual([Opcode.Pong, Opcode.Pong, Opcode.Close]);
    expect(frames[1]!.payload.equals(big)).toBe(true);
  });

  it('answers ten pings with ten pongs, in order', async () => {
    const frames = await exchange([
      ...Array.from({ length: 10 }, (_, i) => f(Opcode.Ping, `p${i}`)),
      close(),
    ]);
    expect(frames.slice(0, 10).map((x) => x.payload.toString())).toEqual(
      Array.from({ length: 10 }, (_, i) => `p${i}`),
    );
  });

  it('ignores an unsolicited pong', async () => {
    const frames = await exchange([
      f(Opcode.Pong, 'unsolicited'),
      f(Opcode.Text, 'after'),
      close(),
    ]);
    expect(frames.map((x) => x.opcode)).toEqual([Opcode.Text, Opcode.Close]);
  });

  it('fails a ping of 126 bytes (1002)', async () => {
    await expectFailure([f(Opcode.Ping, Buffer.alloc(126))], 1002);
  });

  it('fails a fragmented ping (1002)', async () => {
    await expectFailure([f(Opcode.Ping, 'a', { fin: false })], 1002);
  });
});

describe('3 reserved bits', () => {
  for (const rsv of [0b100, 0b010, 0b001, 0b111]) {
    it(`fails RSV=${rsv.toString(2).padStart(3, '0')} on a text frame and on a ping (1002), after echoing what came before`, async () => {
      const frames = await expectFailure(
        [f(Opcode.Text, 'before'), f(Opcode.Text, 'bad', { rsv })],
        1002,
      );
      expect(frames[0]!.payload.toString()).toBe('before');
      await expectFailure([f(Opcode.Ping, '', { rsv })], 1002);
    });
  }
});

describe('4 opcodes', () => {
  for (const opcode of [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) {
    it(`fails reserved opcode 0x${opcode.toString(16)} (1002)`, async () => {
      await expectFailure([f(opcode as Opcode, 'x')], 1002);
    });
  }
});

describe('5 fragmentation', () => {
  it('echoes a message sent in two fragments as one message', async () => {
    const frames = await exchange([
      f(Opcode.Text, 'frag', { fin: false }),
      f(Opcode.Continuation, 'ment'),
      close(),
    ]);
    expect(frames[0]).toMatchObject({ opcode: Opcode.Text, fin: true });
    expect(frames[0]!.payload.toString()).toBe('fragment');
  });

  it('answers a ping between fragments before the message completes', async () => {
    const frames = await exchange([
      f(Opcode.Binary, bytes(1), { fin: false }),
      f(Opcode.Ping, 'between'),
      f(Opcode.Continuation, bytes(2), { fin: false }),
      f(Opcode.Continuation, bytes(3)),
      close(),
    ]);
    expect(frames.map((x) => x.opcode)).toEqual([Opcode.Pong, Opcode.Binary, Opcode.Close]);
    expect(frames[1]!.payload).toEqual(bytes(1, 2, 3));
  });

  it('joins 100 one-byte fragments and empty fragments', async () => {
    const parts = [
      f(Opcode.Text, '', { fin: false }),
      ...Array.from({ length: 100 }, () => f(Opcode.Continuation, 'a', { fin: false })),
      f(Opcode.Continuation, ''),
    ];
    const frames = await exchange([...parts, close()]);
    expect(frames[0]!.payload.toString()).toBe('a'.repeat(100));
  });

  it('fails a continuation without a started message (1002)', async () => {
    await expectFailure([f(Opcode.Continuation, 'orphan')], 1002);
  });

  it('fails a new text frame while a fragmented message is open (1002)', async () => {
    await expectFailure([f(Opcode.Text, 'a', { fin: false }), f(Opcode.Text, 'b')], 1002);
  });

  it('fails a close frame sent as a fragment (1002)', async () => {
    await expectFailure([f(Opcode.Close, '', { fin: false })], 1002);
  });
});

describe('6 UTF-8 handling', () => {
  it('echoes multi-byte text (《静夜思》) split across fragments at every byte boundary', async () => {
    const poem = Buffer.from('床前明月光，疑是地上霜。举头望明月，低头思故乡。');
    const messages = Array.from({ length: 13 }, (_, i) => [
      f(Opcode.Text, poem.subarray(0, i), { fin: false }),
      f(Opcode.Continuation, poem.subarray(i)),
    ]).flat();
    const frames = await exchange([...messages, close()]);
    expect(frames.slice(0, 13).every((x) => x.payload.equals(poem))).toBe(true);
  });

  const invalid: [string, Buffer][] = [
    ['0xFF', bytes(0xff)],
    ['an overlong encoding', bytes(0xc0, 0xaf)],
    ['a surrogate', bytes(0xed, 0xa0, 0x80)],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80)],
    ['a truncated sequence', bytes(0x68, 0xe2, 0x82)],
  ];
  for (const [name, payload] of invalid) {
    it(`fails text with ${name} (1007)`, async () => {
      await expectFailure([f(Opcode.Text, payload)], 1007);
    });
  }

  it('fails fast: invalid UTF-8 in a middle fragment closes 1007 before the message is finished', async () => {
    const ws = await open();
    ws.client.write(
      Buffer.concat([
        f(Opcode.Text, 'valid ', { fin: false }),
        f(Opcode.Continuation, bytes(0xce, 0xba, 0xf4, 0x90), { fin: false }),
      ]),
    );
    const frames = await ws.framesUntilEnd();
    expect(closeCodeOf(frames.at(-1))).toBe(1007);
  });

  it('fails a close reason that is not UTF-8 (1007)', async () => {
    await expectFailure([f(Opcode.Close, bytes(0x03, 0xe8, 0xff, 0xfe))], 1007);
  });
});

describe('7 close handling', () => {
  it('echoes the close code, then closes TCP', async () => {
    const frames = await exchange([close(1000, 'bye')]);
    expect(frames).toHaveLength(1);
    expect(closeCodeOf(frames[0])).toBe(1000);
  });

  it('answers an empty close with an empty close', async () => {
    const frames = await exchange([f(Opcode.Close, '')]);
    expect(frames).toHaveLength(1);
    expect(closeCodeOf(frames[0])).toBeUndefined();
  });

  for (const code of [
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
  ]) {
    it(`accepts and echoes close code ${code}`, async () => {
      expect(closeCodeOf((await exchange([close(code)]))[0])).toBe(code);
    });
  }

  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
    it(`fails close code ${code} (1002)`, async () => {
      await expectFailure([close(code)], 1002);
    });
  }

  it('fails a 1-byte close payload (1002)', async () => {
    await expectFailure([f(Opcode.Close, bytes(0x03))], 1002);
  });

  it('accepts a 123-byte reason and fails a 124-byte one (control frame over 125 bytes, 1002)', async () => {
    expect(closeCodeOf((await exchange([close(1000, 'r'.repeat(123))]))[0])).toBe(1000);
    await expectFailure([close(1000, 'r'.repeat(124))], 1002);
  });

  it('ignores data frames after the close frame', async () => {
    const frames = await exchange([close(1000), f(Opcode.Text, 'too late')]);
    expect(frames.map((x) => x.opcode)).toEqual([Opcode.Close]);
  });
});

describe('8 limits', () => {
  it('fails a frame over maxPayload from its header, without waiting for the payload (1009)', async () => {
    const header = bytes(0x82, 0xff, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4); // 1 MiB announced, masked
    await expectFailure([header], 1009);
  });

  it('fails a fragmented message whose total exceeds maxPayload (1009)', async () => {
    const half = Buffer.alloc(MAX_PAYLOAD / 2 + 1);
    await expectFailure(
      [f(Opcode.Binary, half, { fin: false }), f(Opcode.Continuation, half)],
      1009,
    );
  });

  it('accepts a message of exactly maxPayload', async () => {
    const frames = await exchange([f(Opcode.Binary, Buffer.alloc(MAX_PAYLOAD)), close()]);
    expect(frames[0]!.payload.length).toBe(MAX_PAYLOAD);
  });

  it('keeps serving other connections while one is failed', async () => {
    const good = await open();
    await expectFailure([bytes(0x81, 0x00)], 1002);
    good.client.write(f(Opcode.Text, 'still here'));
    const [frame] = await good.waitForFrames(1);
    expect(frame!.payload.toString()).toBe('still here');
  });
});
