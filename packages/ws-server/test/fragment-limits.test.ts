/**
 * The fragment and buffered-chunk limits (issue 14; `ws` 8.21 added `maxFragments` and
 * `maxBufferedChunks` after a denial of service by tiny fragments): the exact boundaries in the
 * pure decoder and assembler, then a flood of 1-byte fragments against the running server, cut
 * at the limit with close 1008 while the memory it costs stays bounded.
 */
import { startServer, Teardown } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.ts';
import { WsProtocolError } from '../src/errors.ts';
import { LIMITS } from '../src/limits.ts';
import { FrameDecoder } from '../src/protocol/frame-decoder.ts';
import { MessageAssembler } from '../src/protocol/message-assembler.ts';
import { createWsServer } from '../src/server.ts';
import { clientFrame, closeCodeOf, openRaw } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

/** A server-role decoder + assembler; returns the messages delivered. */
function pipeline(limits: { maxFragments?: number; maxBufferedChunks?: number }) {
  const messages: (string | Buffer)[] = [];
  const assembler = new MessageAssembler(
    {
      onMessage: (data) => messages.push(data),
      onPing: () => {},
      onPong: () => {},
      onClose: () => {},
      onCompressedFrame: () => {},
    },
    { maxPayload: 1 << 20, maxFragments: limits.maxFragments },
  );
  const decoder = new FrameDecoder(assembler, {
    role: 'server',
    maxPayload: 1 << 20,
    maxBufferedChunks: limits.maxBufferedChunks,
  });
  return { decoder, messages };
}

function thrown(fn: () => void): WsProtocolError | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof WsProtocolError) return err;
    throw err;
  }
  return undefined;
}

describe('maxFragments (MessageAssembler)', () => {
  it('accepts a message in exactly maxFragments frames and fails one more with 1008', () => {
    const { decoder, messages } = pipeline({ maxFragments: 3 });
    const fragments = (n: number): Buffer[] =>
      Array.from({ length: n }, (_, i) =>
        clientFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, 'x', { fin: i === n - 1 }),
      );
    for (const f of fragments(3)) decoder.push(f);
    expect(messages).toEqual([Buffer.from('xxx')]);
    const [a, b, c, d] = fragments(4);
    for (const f of [a!, b!, c!]) decoder.push(f);
    const err = thrown(() => decoder.push(d!));
    expect([err?.code, err?.closeCode]).toEqual(['ERR_WS_TOO_MANY_FRAGMENTS', 1008]);
  });

  it('counts per message (control frames between fragments do not count)', () => {
    const { decoder, messages } = pipeline({ maxFragments: 2 });
    decoder.push(clientFrame(Opcode.Text, 'a', { fin: false }));
    decoder.push(clientFrame(Opcode.Ping, ''));
    decoder.push(clientFrame(Opcode.Continuation, 'b'));
    decoder.push(clientFrame(Opcode.Text, 'c', { fin: false }));
    decoder.push(clientFrame(Opcode.Continuation, 'd'));
    expect(messages).toEqual(['ab', 'cd']);
  });
});

describe('maxBufferedChunks (FrameDecoder)', () => {
  it('accepts a frame in exactly maxBufferedChunks chunks and fails one more with 1008', () => {
    const frame = clientFrame(Opcode.Binary, Buffer.alloc(20, 7)); // 26 bytes
    const ok = pipeline({ maxBufferedChunks: 26 });
    for (const byte of frame) ok.decoder.push(Buffer.from([byte]));
    expect(ok.messages).toHaveLength(1);
    const cut = pipeline({ maxBufferedChunks: 25 });
    const bytes = [...frame];
    for (const byte of bytes.slice(0, 25)) cut.decoder.push(Buffer.from([byte]));
    const err = thrown(() => cut.decoder.push(Buffer.from([bytes[25]!])));
    expect([err?.code, err?.closeCode]).toEqual(['ERR_WS_TOO_MANY_CHUNKS', 1008]);
  });

  it('counts the chunks of the frame being decoded, not of the connection', () => {
    const { decoder, messages } = pipeline({ maxBufferedChunks: 4 });
    for (let i = 0; i < 100; i += 1) {
      const frame = clientFrame(Opcode.Text, 'hi'); // 8 bytes, in 4 chunks of 2
      for (let at = 0; at < frame.length; at += 2) decoder.push(frame.subarray(at, at + 2));
    }
    expect(messages).toHaveLength(100);
  });
});

describe('a flood of 1-byte fragments', () => {
  it(
    'is cut at maxFragments with close 1008, holding a bounded amount of memory',
    { timeout: 30_000 },
    async () => {
      const app = createWsServer({ heartbeatInterval: 0 });
      const errors: string[] = [];
      app.on('clientError', (err: WsProtocolError) => errors.push(err.code));
      const srv = await startServer(app);
      teardown.add(srv, () => srv.close());
      const ws = await openRaw(srv.port, '/echo');
      teardown.add(ws, () => ws.client.destroy());
      // One masked 1-byte continuation frame is 7 bytes; 1,000,000 of them (7 MB) behind a first
      // 1-byte fragment. Unbounded, the server would keep a million fragment views (~100 MB).
      const first = clientFrame(Opcode.Binary, 'x', { fin: false });
      const continuation = clientFrame(Opcode.Continuation, 'x', {
        fin: false,
        maskingKey: Buffer.alloc(4),
      });
      const flood = Buffer.alloc(continuation.length * 1_000_000, continuation);
      const before = process.memoryUsage().heapUsed;
      ws.client.write(first);
      ws.client.write(flood);
      const frames = await ws.framesUntilEnd();
      const heapGrowth = process.memoryUsage().heapUsed - before;
      expect(closeCodeOf(frames.at(-1))).toBe(1008);
      expect(frames.at(-1)!.payload.subarray(2).toString()).toContain(
        `${LIMITS.maxFragments.default}`,
      );
      expect(errors).toEqual(['ERR_WS_TOO_MANY_FRAGMENTS']);
      // 16,384 fragments (the default limit) of ~100 B each, well under what a million would take.
      expect(heapGrowth).toBeLessThan(32 * 1024 * 1024);
    },
  );
});
