/**
 * permessage-deflate in the opening handshake, on the wire: what the server answers to real
 * `Sec-WebSocket-Extensions` headers (101 with its choice, 101 without the extension when every
 * offer was declined, 400 for a malformed header), and how `connect()` treats a server's answer
 * (only what it offered, 1010 when it required the extension and did not get it).
 */
import { once } from 'node:events';
import { createServer as createNetServer, type Socket } from 'node:net';
import { RawClient, startServer, Teardown } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../src/client.ts';
import { Opcode } from '../src/constants.ts';
import { acceptKey } from '../src/protocol/handshake.ts';
import { createWsServer, type WsServerOptions } from '../src/server.ts';
import { closeCodeOf, parseFrames, upgradeRequest } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

/** The response head a server sends to an upgrade request with `extensions` (raw TCP). */
async function responseTo(
  extensions: string | undefined,
  options: WsServerOptions = { perMessageDeflate: true },
): Promise<string> {
  const srv = await startServer(createWsServer({ heartbeatInterval: 0, ...options }));
  teardown.add(srv, () => srv.close());
  const client = await RawClient.connect({ port: srv.port });
  teardown.add(client, () => client.destroy());
  client.write(
    upgradeRequest(
      '/echo',
      extensions === undefined ? {} : { 'Sec-WebSocket-Extensions': extensions },
    ),
  );
  const text = await client.waitForText('\r\n\r\n');
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

const extensionsOf = (head: string): string | undefined =>
  /^sec-websocket-extensions: (.*)$/im.exec(head)?.[1];

describe('server', () => {
  it("answers Chromium's offer with its choice", async () => {
    const head = await responseTo('permessage-deflate; client_max_window_bits');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
    expect(extensionsOf(head)).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    );
  });

  it('takes the first offer it can honour across several header lines', async () => {
    const srv = await startServer(
      createWsServer({
        heartbeatInterval: 0,
        perMessageDeflate: { serverNoContextTakeover: false, clientNoContextTakeover: false },
      }),
    );
    teardown.add(srv, () => srv.close());
    const client = await RawClient.connect({ port: srv.port });
    teardown.add(client, () => client.destroy());
    const request = upgradeRequest('/echo').replace(
      '\r\n\r\n',
      '\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=7\r\nSec-WebSocket-Extensions: x-unknown, permessage-deflate; server_max_window_bits="10"\r\n\r\n',
    );
    client.write(request);
    const head = await client.waitForText('\r\n\r\n');
    expect(extensionsOf(head)).toBe('permessage-deflate; server_max_window_bits=10');
  });

  it('answers 101 without the extension when every offer is invalid', async () => {
    const head = await responseTo(
      'permessage-deflate; server_max_window_bits=16, permessage-deflate; foo',
    );
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
    expect(extensionsOf(head)).toBeUndefined();
  });

  it('never answers with an extension when permessage-deflate is off (the default)', async () => {
    const head = await responseTo('permessage-deflate', {});
    expect(extensionsOf(head)).toBeUndefined();
  });

  it('refuses a malformed Sec-WebSocket-Extensions with 400', async () => {
    const head = await responseTo('permessage-deflate; server_max_window_bits="1');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  });
});

/** A raw TCP server answering the upgrade with `extra` response headers; resolves its socket. */
async function scripted(extra: string): Promise<{ port: number; socket: Promise<Socket> }> {
  let resolve!: (socket: Socket) => void;
  const socket = new Promise<Socket>((r) => (resolve = r));
  const server = createNetServer((s) => {
    s.on('error', () => {});
    let text = '';
    s.on('data', function onData(chunk: Buffer) {
      text += chunk.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      s.off('data', onData);
      s.pause(); // keep what the client sends next for the test
      const key = /sec-websocket-key: (\S+)/i.exec(text)?.[1] ?? '';
      s.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n${extra}\r\n`,
      );
      resolve(s);
    });
  });
  const srv = await startServer(server);
  teardown.add(srv, () => srv.close());
  return { port: srv.port, socket };
}

describe('connect()', () => {
  for (const [response, because] of [
    [
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n',
      'a response needs a value',
    ],
    ['Sec-WebSocket-Extensions: permessage-deflate; foo\r\n', 'unknown parameter'],
    ['Sec-WebSocket-Extensions: x-custom\r\n', 'an extension it did not offer'],
    ['Sec-WebSocket-Extensions: permessage-deflate; x="\r\n', 'malformed'],
  ] as const) {
    it(`fails on ${JSON.stringify(response.trim())} (${because}) and closes TCP`, async () => {
      const { port, socket } = await scripted(response);
      await expect(
        connect(`ws://127.0.0.1:${port}/`, { perMessageDeflate: true }),
      ).rejects.toMatchObject({
        code: 'ERR_WS_BAD_EXTENSION',
        statusCode: 101,
      });
      const peer = await socket;
      peer.resume();
      if (!peer.closed) await once(peer, 'close');
    });
  }

  it('fails on an extension when it offered none', async () => {
    const { port } = await scripted('Sec-WebSocket-Extensions: permessage-deflate\r\n');
    await expect(connect(`ws://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: 'ERR_WS_BAD_EXTENSION',
    });
  });

  it('continues uncompressed when the server declines', async () => {
    const { port } = await scripted('');
    const ws = await connect(`ws://127.0.0.1:${port}/`, { perMessageDeflate: true });
    teardown.add(ws, () => ws.terminate());
    expect(ws.extensions).toBe('');
  });

  it('closes with 1010 naming the extension when it was required (RFC 6455 §7.4.1)', async () => {
    const { port, socket } = await scripted('');
    await expect(
      connect(`ws://127.0.0.1:${port}/`, { perMessageDeflate: { required: true } }),
    ).rejects.toMatchObject({ code: 'ERR_WS_EXTENSION_DECLINED', statusCode: 101 });
    const peer = await socket;
    // The close frame arrives; the peer closes TCP instead of echoing it (the client gives up).
    const data = once(peer, 'data');
    peer.resume();
    const [chunk] = (await data) as [Buffer];
    peer.end();
    const [close] = parseFrames(chunk, 'server');
    expect(close?.opcode).toBe(Opcode.Close);
    expect(closeCodeOf(close)).toBe(1010);
    expect(close!.payload.subarray(2).toString()).toBe('permessage-deflate');
  });

  it('uses what the server chose', async () => {
    const { port } = await scripted(
      'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_max_window_bits=9\r\n',
    );
    const ws = await connect(`ws://127.0.0.1:${port}/`, { perMessageDeflate: true });
    teardown.add(ws, () => ws.terminate());
    expect(ws.extensions).toBe(
      'permessage-deflate; server_no_context_takeover; client_max_window_bits=9',
    );
  });
});
