/**
 * Compressed frames on the wire (RFC 7692 §6, §7.2), driven over raw TCP against a server with
 * permessage-deflate on: the RFC's own examples decode, RSV1 is accepted only where the RFC
 * puts it (1002 elsewhere), text is validated after inflating (1007), a stream that does not
 * inflate fails the connection (1007), and a decompression bomb is cut at `maxPayload` (1009).
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { startServer, Teardown, type TestServer } from 'common/harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFLATE_TRAILER, Opcode } from '../src/constants.ts';
import type { WsProtocolError } from '../src/errors.ts';
import { createWsServer } from '../src/server.ts';
import { clientFrame, closeCodeOf, openRaw, type Frame, type RawWs } from './helpers.ts';

const MAX_PAYLOAD = 1024 * 1024;
const RSV1 = 0b100;
const teardown = new Teardown();
afterEach(() => teardown.run());
let server: TestServer;
const errors: string[] = [];
beforeAll(async () => {
  const app = createWsServer({
    heartbeatInterval: 0,
    maxPayload: MAX_PAYLOAD,
    // Context takeover allowed, so the RFC's shared-window example can be sent.
    perMessageDeflate: { serverNoContextTakeover: false, clientNoContextTakeover: false },
  });
  app.on('clientError', (err: WsProtocolError) => errors.push(err.code));
  server = await startServer(app);
});
afterAll(() => server.close());

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** A masked client frame with RSV1 (the first frame of a compressed message). */
const compressed = (opcode: Opcode, payload: Buffer, fin = true): Buffer =>
  clientFrame(opcode, payload, { rsv: RSV1, fin });
const closeFrame = clientFrame(Opcode.Close, hex('03e8'));

async function open(offer = 'permessage-deflate'): Promise<RawWs> {
  const ws = await openRaw(
    server.port,
    '/echo',
    offer === '' ? {} : { 'Sec-WebSocket-Extensions': offer },
  );
  teardown.add(ws, () => ws.client.destroy());
  return ws;
}

/** Sends `frames` on a fresh connection and returns what the server sent until it closed TCP. */
async function exchange(frames: Buffer[], offer?: string): Promise<Frame[]> {
  const ws = await open(offer);
  for (const f of frames) ws.client.write(f);
  return ws.framesUntilEnd();
}

async function expectFailure(
  frames: Buffer[],
  closeCode: number,
  code: string,
  offer?: string,
): Promise<void> {
  errors.length = 0;
  const received = await exchange(frames, offer);
  const last = received.at(-1);
  expect(last?.opcode, JSON.stringify(received)).toBe(Opcode.Close);
  expect(closeCodeOf(last)).toBe(closeCode);
  expect(errors).toEqual([code]);
}

describe('the examples of RFC 7692 §7.2.3', () => {
  const hello = hex('f2 48 cd c9 c9 07 00'); // §7.2.3.1 "Hello"
  const cases: [string, Buffer[]][] = [
    ['7.2.3.1 one compressed message', [compressed(Opcode.Text, hello)]],
    [
      '7.2.3.1 the same, fragmented',
      [
        compressed(Opcode.Text, hex('f2 48 cd'), false),
        clientFrame(Opcode.Continuation, hex('c9 c9 07 00')),
      ],
    ],
    [
      '7.2.3.3 a block with no compression',
      [compressed(Opcode.Text, hex('00 05 00 fa ff 48 65 6c 6c 6f 00'))],
    ],
    ['7.2.3.4 a block with BFINAL set', [compressed(Opcode.Text, hex('f3 48 cd c9 c9 07 00 00'))]],
    [
      '7.2.3.5 two DEFLATE blocks in one message',
      [compressed(Opcode.Text, hex('f2 48 05 00 00 00 ff ff ca c9 c9 07 00'))],
    ],
  ];
  for (const [name, frames] of cases) {
    it(`${name}: "Hello"`, async () => {
      const received = await exchange([...frames, closeFrame]);
      expect(received.map((f) => [f.opcode, f.rsv1])).toEqual([
        [Opcode.Text, false], // echoed under the 1 KiB threshold: uncompressed
        [Opcode.Close, false],
      ]);
      expect(received[0]!.payload.toString()).toBe('Hello');
      expect(closeCodeOf(received[1])).toBe(1000);
    });
  }

  it('7.2.3.2 sharing the LZ77 window: the second "Hello" is two back-references', async () => {
    const received = await exchange([
      compressed(Opcode.Text, hello),
      compressed(Opcode.Text, hex('f2 00 11 00 00')),
      closeFrame,
    ]);
    expect(received.slice(0, 2).map((f) => f.payload.toString())).toEqual(['Hello', 'Hello']);
  });

  it('after a BFINAL block the next message starts a fresh stream', async () => {
    const received = await exchange([
      compressed(Opcode.Text, hex('f3 48 cd c9 c9 07 00 00')),
      compressed(Opcode.Text, hello),
      closeFrame,
    ]);
    expect(received.slice(0, 2).map((f) => f.payload.toString())).toEqual(['Hello', 'Hello']);
  });

  it('7.2.3.6 an empty compressed message', async () => {
    const received = await exchange([compressed(Opcode.Binary, hex('00')), closeFrame]);
    expect(received[0]).toMatchObject({ opcode: Opcode.Binary, payload: Buffer.alloc(0) });
  });

  it('handles the frames that came before the FIN, even while one of them is being inflated', async () => {
    errors.length = 0;
    const ws = await open();
    // A compressed message, a close frame and the FIN, all at once: the FIN arrives while the
    // server inflates, and must wait for the frames before it.
    ws.client.write(
      Buffer.concat([compressed(Opcode.Text, deflateRawSync('x'.repeat(50_000))), closeFrame]),
    );
    ws.client.end();
    const received = await ws.framesUntilEnd();
    expect(received.map((f) => [f.opcode, f.rsv1])).toEqual([
      [Opcode.Text, true], // the echo, compressed
      [Opcode.Close, false],
    ]);
    const echo = inflateRawSync(Buffer.concat([received[0]!.payload, DEFLATE_TRAILER]), {
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    expect(echo.toString()).toBe('x'.repeat(50_000));
    expect(closeCodeOf(received[1])).toBe(1000);
    expect(errors).toEqual([]);
  });

  it('a control frame between the fragments of a compressed message', async () => {
    const received = await exchange([
      compressed(Opcode.Text, hex('f2 48 cd'), false),
      clientFrame(Opcode.Ping, 'p'),
      clientFrame(Opcode.Continuation, hex('c9 c9 07 00')),
      closeFrame,
    ]);
    expect(received.map((f) => [f.opcode, f.payload.toString()]).slice(0, 2)).toEqual([
      [Opcode.Pong, 'p'],
      [Opcode.Text, 'Hello'],
    ]);
  });
});

describe('RSV1 where the RFC does not put it (1002)', () => {
  const hello = hex('f2 48 cd c9 c9 07 00');
  it('on a continuation frame of a compressed message', async () => {
    await expectFailure(
      [
        compressed(Opcode.Text, hex('f2 48 cd'), false),
        clientFrame(Opcode.Continuation, hex('c9 c9 07 00'), { rsv: RSV1 }),
      ],
      1002,
      'ERR_WS_RESERVED_BITS',
    );
  });
  it('on a continuation frame of an uncompressed message', async () => {
    await expectFailure(
      [
        clientFrame(Opcode.Text, 'He', { fin: false }),
        clientFrame(Opcode.Continuation, 'llo', { rsv: RSV1 }),
      ],
      1002,
      'ERR_WS_RESERVED_BITS',
    );
  });
  for (const opcode of [Opcode.Ping, Opcode.Pong, Opcode.Close]) {
    it(`on a ${Opcode[opcode]} frame`, async () => {
      await expectFailure([clientFrame(opcode, '', { rsv: RSV1 })], 1002, 'ERR_WS_RESERVED_BITS');
    });
  }
  it('without the extension (not offered)', async () => {
    await expectFailure([compressed(Opcode.Text, hello)], 1002, 'ERR_WS_RESERVED_BITS', '');
  });
  it('without the extension (offer declined)', async () => {
    await expectFailure(
      [compressed(Opcode.Text, hello)],
      1002,
      'ERR_WS_RESERVED_BITS',
      'permessage-deflate; foo',
    );
  });
  for (const rsv of [0b010, 0b001, 0b110]) {
    it(`RSV2/RSV3 (${rsv.toString(2).padStart(3, '0')}) even with the extension`, async () => {
      await expectFailure([clientFrame(Opcode.Text, 'x', { rsv })], 1002, 'ERR_WS_RESERVED_BITS');
    });
  }
});

describe('what does not inflate', () => {
  it('text that is not UTF-8 once inflated (1007)', async () => {
    await expectFailure(
      [compressed(Opcode.Text, deflateRawSync(hex('48 65 c3 28')))],
      1007,
      'ERR_WS_INVALID_UTF8',
    );
  });
  it('a corrupt DEFLATE stream (reserved block type) (1007)', async () => {
    await expectFailure(
      [compressed(Opcode.Binary, hex('ff ff ff ff'))],
      1007,
      'ERR_WS_INVALID_COMPRESSED',
    );
  });
  it('data after the final block (1007)', async () => {
    await expectFailure(
      [compressed(Opcode.Binary, hex('f3 48 cd c9 c9 07 00 00 00 f2 48'))],
      1007,
      'ERR_WS_INVALID_COMPRESSED',
    );
  });
  it('a compressed message whose wire size is over maxPayload (1009 from the header)', async () => {
    await expectFailure(
      [compressed(Opcode.Binary, Buffer.alloc(MAX_PAYLOAD + 1))],
      1009,
      'ERR_WS_PAYLOAD_TOO_BIG',
    );
  });
});

describe('decompression bomb', () => {
  it(
    'cuts a 64 MiB bomb (64 KiB on the wire) at maxPayload with 1009, in bounded memory',
    { timeout: 30_000 },
    async () => {
      // 64 MiB of zeros deflate to ~64 KiB: 1,000 times maxPayload's 1 MiB once inflated.
      const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
      expect(bomb.length).toBeLessThan(MAX_PAYLOAD);
      const before = process.memoryUsage();
      await expectFailure([compressed(Opcode.Binary, bomb)], 1009, 'ERR_WS_PAYLOAD_TOO_BIG');
      const after = process.memoryUsage();
      // Inflating all of it would take 64 MiB (array buffers); at most maxPayload + a chunk is kept.
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * 1024 * 1024);
      // The server keeps serving.
      const received = await exchange([
        compressed(Opcode.Text, hex('f2 48 cd c9 c9 07 00')),
        closeFrame,
      ]);
      expect(received[0]!.payload.toString()).toBe('Hello');
    },
  );
});
