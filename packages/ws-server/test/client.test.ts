/** connect(): handshake validation against a scripted raw server, limits and the close timeout. */
import { once } from 'node:events';
import { createServer as createNetServer, Socket } from 'node:net';
import { InvalidArgumentError } from 'common';
import { startServer, Teardown, waitForEvent } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createServer } from 'node:http';
import { connect } from '../src/client.ts';
import { connectionSettings } from '../src/connection-settings.ts';
import { WebSocket } from '../src/websocket.ts';
import { Opcode } from '../src/constants.ts';
import { acceptKey } from '../src/protocol/handshake.ts';
import { encodeFrame } from '../src/protocol/frame-encoder.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

/** A raw TCP server that reads the upgrade request and answers with `respond(key)` (or nothing). */
async function scripted(
  respond: ((key: string, socket: Socket) => void) | undefined,
): Promise<number> {
  const server = createNetServer((socket) => {
    socket.on('error', () => {});
    let text = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (answered || !text.includes('\r\n\r\n')) return;
      answered = true;
      const key = /sec-websocket-key: (\S+)/i.exec(text)?.[1] ?? '';
      respond?.(key, socket);
    });
  });
  const srv = await startServer(server);
  teardown.add(srv, () => srv.close());
  return srv.port;
}

const ok = (key: string, extra = ''): string =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n${extra}\r\n`;

describe('connect()', () => {
  it('rejects a wrong Sec-WebSocket-Accept (the book client did not check it)', async () => {
    const port = await scripted((_key, socket) => socket.write(ok('some other key')));
    await expect(connect(`ws://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: 'ERR_WS_BAD_ACCEPT',
    });
  });

  it('rejects a non-101 response with its status code', async () => {
    const port = await scripted((_key, socket) =>
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
    );
    await expect(connect(`ws://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: 'ERR_WS_UNEXPECTED_RESPONSE',
      statusCode: 403,
    });
  });

  it('rejects a subprotocol it did not offer', async () => {
    const port = await scripted((key, socket) =>
      socket.write(ok(key, 'Sec-WebSocket-Protocol: superchat\r\n')),
    );
    await expect(connect(`ws://127.0.0.1:${port}/`, { protocols: ['chat'] })).rejects.toMatchObject(
      { code: 'ERR_WS_BAD_PROTOCOL' },
    );
  });

  it('times out a server that never answers', async () => {
    const port = await scripted(undefined);
    await expect(
      connect(`ws://127.0.0.1:${port}/`, { handshakeTimeout: 200 }),
    ).rejects.toMatchObject({ code: 'ERR_WS_HANDSHAKE_TIMEOUT' });
  });

  it('rejects a URL that is not ws:// or wss:// and a bad option, naming it', async () => {
    await expect(connect('http://127.0.0.1:1/')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(connect('http://127.0.0.1:1/')).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('url'),
    });
    await expect(connect('ws://127.0.0.1:1/', { maxPayload: -1 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(connect('ws://127.0.0.1:1/', { maxPayload: -1 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('maxPayload'),
    });
    await expect(
      connect('ws://127.0.0.1:1/', { handshakeTimeout: Number.NaN }),
    ).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('handshakeTimeout'),
    });
  });

  it('delivers frames that arrived in the same packet as the 101 (node:http head)', async () => {
    const port = await scripted((key, socket) =>
      socket.write(Buffer.concat([Buffer.from(ok(key)), ...encodeFrame(Opcode.Text, 'early')])),
    );
    const ws = await connect(`ws://127.0.0.1:${port}/`);
    teardown.add(ws, () => ws.terminate());
    expect(await waitForEvent(ws, 'message')).toEqual(['early', false]);
  });

  it('fails a masked frame from the server with 1002', async () => {
    let serverSocket: Socket | undefined;
    const port = await scripted((key, socket) => {
      serverSocket = socket;
      socket.write(
        Buffer.concat([
          Buffer.from(ok(key)),
          ...encodeFrame(Opcode.Text, 'masked!', { mask: true }),
        ]),
      );
    });
    const ws = await connect(`ws://127.0.0.1:${port}/`);
    teardown.add(ws, () => ws.terminate());
    const [err] = await waitForEvent<[{ code: string; closeCode: number }]>(ws, 'error');
    expect(err).toMatchObject({ code: 'ERR_WS_UNEXPECTED_MASK', closeCode: 1002 });
    const bytes = (await once(serverSocket!, 'data'))[0] as Buffer;
    expect(bytes[0]).toBe(0x88); // a close frame, masked by the client
    expect(bytes[1]! & 0x80).toBe(0x80);
  });

  it('closes with 1009 when the server sends more than maxPayload', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    const srv = await startServer(http);
    teardown.add(srv, () => srv.close());
    teardown.add(wss, () => wss.close());
    wss.on('connection', (peer) => peer.send(Buffer.alloc(2048)));
    const peerClosed = new Promise<number>((resolve) =>
      wss.on('connection', (peer) => peer.on('close', (code: number) => resolve(code))),
    );
    const ws = await connect(srv.url('ws', '/'), { maxPayload: 1024 });
    const errors: string[] = [];
    ws.on('error', (err: { code: string }) => errors.push(err.code));
    const closed = new Promise<number>((resolve) =>
      ws.on('close', (code: number) => resolve(code)),
    );
    expect(await peerClosed).toBe(1009); // what we sent
    expect(await closed).toBe(1006); // what we received: no close frame came back from ws before TCP closed
    expect(errors).toEqual(['ERR_WS_PAYLOAD_TOO_BIG']);
  });

  it('destroys the socket after closeTimeout when the server never answers the close (1006)', async () => {
    const port = await scripted((key, socket) => socket.write(ok(key)));
    const ws = await connect(`ws://127.0.0.1:${port}/`, { closeTimeout: 200 });
    ws.close(1000);
    expect(ws.readyState).toBe(2);
    const [code] = await waitForEvent<[number]>(ws, 'close');
    expect(code).toBe(1006);
    expect(ws.readyState).toBe(3);
  });
});

describe('new WebSocket(socket, { settings })', () => {
  it('refuses settings made for the other role', () => {
    const settings = connectionSettings('server', {
      maxPayload: 1024,
      maxFragments: 16,
      maxBufferedChunks: 16,
      closeTimeout: 1000,
    });
    expect(() => new WebSocket(new Socket(), { role: 'client', settings })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining('settings'),
      }),
    );
  });
});
