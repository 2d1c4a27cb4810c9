/**
 * permessage-deflate echo matrix, modelled on the Autobahn TestSuite's cases 12.x (message sizes
 * 16 B … 128 KiB, fragmented or not) and 13.x (the negotiated parameters): this package's client
 * against its server on `/echo`, text and binary, compressible and random, unfragmented and
 * fragmented at 256/1024/4096 bytes (sizes up to 64 fragments per message, so 16 KiB at 256),
 * with and without context takeover, 50 messages of each size per connection; then the
 * window-bits edges (8, 9, 15 both ways).
 */
import { randomBytes } from 'node:crypto';
import { startServer, Teardown, type TestServer } from 'common/harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/client.ts';
import type { PerMessageDeflateOptions } from '../src/deflate/options.ts';
import { pooledCompressors } from '../src/deflate/compressor.ts';
import { pooledDecompressors } from '../src/deflate/decompressor.ts';
import { zlibQueue } from '../src/deflate/zlib-queue.ts';
import { createWsServer, type WsServer } from '../src/server.ts';
import type { FrameInfo, WebSocket } from '../src/websocket.ts';
import { seeded } from './helpers.ts';

const SIZES = [16, 64, 256, 1024, 4096, 16 * 1024, 64 * 1024, 128 * 1024];
const PER_SIZE = 50;
const teardown = new Teardown();
afterEach(() => teardown.run());

let server: TestServer;
let app: WsServer;
/** Frames the server decoded, per connection (its `in` frames). */
const received: FrameInfo[][] = [];
beforeAll(async () => {
  // Context takeover allowed both ways; a client that asks for less gets it.
  app = createWsServer({
    heartbeatInterval: 0,
    perMessageDeflate: {
      threshold: 0,
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
    },
  });
  app.on('connection', (ws: WebSocket) => {
    const frames: FrameInfo[] = [];
    received.push(frames);
    ws.observeFrames((f) => {
      if (f.direction === 'in') frames.push(f);
    });
  });
  server = await startServer(app);
});
afterAll(() => server.close());

/** Message bytes: JSON-like text (with a few multi-byte characters) or random. */
function payload(size: number, kind: 'compressible' | 'random', random: () => number): Buffer {
  if (kind === 'random') {
    const bytes = randomBytes(size);
    // Random text: 64 printable ASCII characters (6 bits of entropy per byte).
    for (let i = 0; i < size; i += 1) bytes[i] = 0x30 + (bytes[i]! & 0x3f);
    return bytes;
  }
  let json = '';
  for (let i = 0; json.length < size; i += 1) {
    json += `{"id":${i},"name":"item ${i}","poem":"床前明月光","score":${Math.floor(random() * 1000)}},`;
  }
  // Cut at `size` bytes without splitting a character (the text must stay valid UTF-8).
  const bytes = Buffer.from(json);
  let end = size;
  while ((bytes[end]! & 0xc0) === 0x80) end -= 1;
  return Buffer.concat([bytes.subarray(0, end), Buffer.alloc(size - end, 0x20)]);
}

async function open(options: PerMessageDeflateOptions): Promise<WebSocket> {
  const ws = await connect(server.url('ws', '/echo'), {
    perMessageDeflate: { threshold: 0, ...options },
  });
  teardown.add(ws, () => ws.terminate());
  return ws;
}

/** Sends `messages` (fragmented at `fragment` bytes, 0 = whole) pipelined; returns the echoes. */
async function echoAll(
  ws: WebSocket,
  messages: { data: Buffer; binary: boolean }[],
  fragment: number,
) {
  const echoes: (string | Buffer)[] = [];
  const done = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: string | Buffer) => {
      echoes.push(data);
      if (echoes.length === messages.length) resolve();
    });
    ws.on('close', (code: number) =>
      reject(new Error(`closed ${code} after ${echoes.length} echoes`)),
    );
  });
  for (const { data, binary } of messages) {
    if (fragment === 0) {
      ws.send(binary ? data : data.toString(), { binary });
      continue;
    }
    // Fragments cut at fixed byte offsets: a UTF-8 character may be split between two.
    for (let at = 0; at < data.length || at === 0; at += fragment) {
      ws.send(data.subarray(at, at + fragment), { binary, fin: at + fragment >= data.length });
    }
  }
  await done;
  return echoes;
}

describe('echo matrix (Autobahn 12.x/13.x)', () => {
  for (const takeover of [false, true]) {
    for (const fragment of [0, 256, 1024, 4096]) {
      for (const kind of ['compressible', 'random'] as const) {
        const name = `${kind}, ${fragment === 0 ? 'unfragmented' : `fragments of ${fragment} B`}, ${takeover ? 'with' : 'no'} context takeover`;
        it(name, { timeout: 60_000 }, async () => {
          const ws = await open({
            serverNoContextTakeover: !takeover,
            clientNoContextTakeover: !takeover,
          });
          expect(ws.extensions).toBe(
            takeover
              ? 'permessage-deflate'
              : 'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
          );
          const frames = received.at(-1)!;
          const random = seeded(fragment * 31 + SIZES.length);
          for (const size of SIZES.filter((n) => fragment === 0 || n <= 64 * fragment)) {
            frames.length = 0;
            const messages = Array.from({ length: PER_SIZE }, (_, i) => ({
              data: payload(size, kind, random),
              binary: i % 2 === 1,
            }));
            const echoes = await echoAll(ws, messages, fragment);
            for (const [i, { data, binary }] of messages.entries()) {
              const echo = echoes[i]!;
              if (binary)
                expect(Buffer.isBuffer(echo) && echo.equals(data), `${size} B #${i}`).toBe(true);
              else expect(echo, `${size} B #${i}`).toBe(data.toString());
            }
            // Every message reached the server compressed (threshold 0): RSV1 on its first frame.
            const firsts = frames.filter((f) => f.opcode !== 0);
            expect(firsts.every((f) => f.rsv1)).toBe(true);
            expect(firsts).toHaveLength(PER_SIZE);
            const wire = frames.reduce((n, f) => n + f.payloadLength, 0);
            const inflated = frames.reduce((n, f) => n + (f.inflatedLength ?? 0), 0);
            expect(inflated).toBe(PER_SIZE * size);
            if (kind === 'compressible' && size >= 1024) expect(wire).toBeLessThan(inflated / 2);
          }
          ws.close(1000);
        });
      }
    }
  }
});

describe('window bits (RFC 7692 §7.1.2)', () => {
  for (const server of [8, 9, 15]) {
    for (const client of [8, 9, 15]) {
      it(`server_max_window_bits=${server}, client_max_window_bits=${client}`, async () => {
        const ws = await open({
          serverMaxWindowBits: server,
          clientMaxWindowBits: client,
          serverNoContextTakeover: false,
          clientNoContextTakeover: false,
        });
        const expected = ['permessage-deflate'];
        if (server < 15) expected.push(`server_max_window_bits=${server}`);
        if (client < 15) expected.push(`client_max_window_bits=${client}`);
        expect(ws.extensions).toBe(expected.join('; '));
        const random = seeded(server * 16 + client);
        const messages = [1024, 16384, 300, 16384].flatMap((size) => [
          { data: payload(size, 'compressible', random), binary: true },
          { data: payload(size, 'random', random), binary: false },
        ]);
        const echoes = await echoAll(ws, messages, 0);
        expect(echoes.map((e) => Buffer.from(e))).toEqual(messages.map((m) => m.data));
        ws.close(1000);
      });
    }
  }
});

describe('order', () => {
  it('keeps frames in order while compressions run: the echo of a big message, then the close', async () => {
    const ws = await open({});
    const events: string[] = [];
    ws.on('message', (data: string | Buffer) => events.push(`message ${Buffer.byteLength(data)}`));
    const closed = new Promise<void>((resolve) =>
      ws.on('close', (code: number) => {
        events.push(`close ${code}`);
        resolve();
      }),
    );
    const random = seeded(7);
    ws.send(payload(100_000, 'compressible', random).toString());
    ws.ping('between');
    ws.send(payload(10, 'compressible', random).toString());
    ws.close(1000);
    await closed;
    // The server echoed both messages before answering the close, compressed or not.
    expect(events).toEqual(['message 100000', 'message 10', 'close 1000']);
  });
});

describe('zlib resources', () => {
  it('leaves no zlib operation running or waiting, and at most a few idle pooled streams', async () => {
    // After the matrix above: every connection closed; the pools keep ≤ 3 streams per setting.
    await app.connections.whenEmpty();
    expect([zlibQueue.running, zlibQueue.waiting]).toEqual([0, 0]);
    const [compressors, decompressors] = [pooledCompressors(), pooledDecompressors()];
    expect(compressors).toBeLessThanOrEqual(zlibQueue.concurrency * 4);
    expect(decompressors).toBeLessThanOrEqual(zlibQueue.concurrency * 4);
  });
});
