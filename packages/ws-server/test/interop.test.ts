/** Interop both ways with `ws` 8: its client against our server, our client against its server. */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { startServer, Teardown, waitForEvent } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import WsLib, { WebSocketServer } from 'ws';
import { connect } from '../src/client.ts';
import { createWsServer } from '../src/server.ts';
import type { WebSocket } from '../src/websocket.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

describe('ws client → this server', () => {
  async function wsClient(path: string, protocols?: string[]): Promise<WsLib> {
    const srv = await startServer(createWsServer({ heartbeatInterval: 0 }).server);
    teardown.add(srv, () => srv.close());
    const client = new WsLib(srv.url('ws', path), protocols, { perMessageDeflate: false });
    teardown.add(client, () => client.terminate());
    await waitForEvent(client, 'open');
    return client;
  }

  it('echoes text and binary with the same opcode and negotiates the subprotocol', async () => {
    const client = await wsClient('/echo', ['superchat', 'chat']);
    expect(client.protocol).toBe('superchat');
    const messages: [string, boolean][] = [];
    client.on('message', (data: Buffer, isBinary: boolean) =>
      messages.push([data.toString('hex'), isBinary]),
    );
    client.send('héllo 世界');
    client.send(Buffer.from([0, 1, 2, 255]));
    client.send(Buffer.alloc(200_000, 7));
    await new Promise<void>((resolve) =>
      client.on('message', () => messages.length === 3 && resolve()),
    );
    expect(messages[0]).toEqual([Buffer.from('héllo 世界').toString('hex'), false]);
    expect(messages[1]).toEqual(['000102ff', true]);
    expect(messages[2]![0].length).toBe(400_000);
  });

  it('joins a message that ws sends in fragments', async () => {
    const client = await wsClient('/echo');
    client.send('frag', { fin: false });
    client.send('men', { fin: false });
    client.send('ted', { fin: true });
    const [data, isBinary] = await waitForEvent<[Buffer, boolean]>(client, 'message');
    expect([data.toString(), isBinary]).toEqual(['fragmented', false]);
  });

  it('answers ws pings with the same payload', async () => {
    const client = await wsClient('/echo');
    client.ping('are you there');
    const [payload] = await waitForEvent<[Buffer]>(client, 'pong');
    expect(payload.toString()).toBe('are you there');
  });

  it('completes the close handshake both ways', async () => {
    const client = await wsClient('/echo');
    client.close(4000, 'client done');
    const [code, reason] = await waitForEvent<[number, Buffer]>(client, 'close');
    expect([code, reason.toString()]).toEqual([4000, '']);
  });
});

describe('this client → ws server', () => {
  async function ourClient(
    protocols: string[] = [],
  ): Promise<{ ws: WebSocket; wss: WebSocketServer; peer: WsLib }> {
    const http = createServer();
    const wss = new WebSocketServer({
      server: http,
      perMessageDeflate: false,
      handleProtocols: (offered) => [...offered].at(-1) ?? false,
    });
    const srv = await startServer(http);
    teardown.add(srv, () => srv.close());
    teardown.add(wss, () => wss.close());
    const peerPromise = once(wss, 'connection') as Promise<[WsLib]>;
    const ws = await connect(srv.url('ws', '/'), { protocols });
    teardown.add(ws, () => ws.terminate());
    const [peer] = await peerPromise;
    peer.on('message', (data: Buffer, isBinary: boolean) => peer.send(data, { binary: isBinary }));
    return { ws, wss, peer };
  }

  it('sends masked text and binary and receives the echo (subprotocol the server chose from our offer)', async () => {
    const { ws } = await ourClient(['chat', 'superchat']);
    expect(ws.protocol).toBe('superchat');
    ws.send('hello ws');
    expect(await waitForEvent(ws, 'message')).toEqual(['hello ws', false]);
    ws.send(Buffer.alloc(70_000, 3));
    const [data, isBinary] = await waitForEvent<[Buffer, boolean]>(ws, 'message');
    expect([data.length, isBinary]).toEqual([70_000, true]);
  });

  it('sends a fragmented message that ws reassembles', async () => {
    const { ws, peer } = await ourClient();
    const got = waitForEvent<[Buffer, boolean]>(peer, 'message');
    ws.send('one ', { fin: false });
    ws.send('two ', { fin: false });
    ws.send('three');
    const [data] = await got;
    expect(data.toString()).toBe('one two three');
  });

  it('receives a fragmented message from ws', async () => {
    const { ws, peer } = await ourClient();
    peer.send(Buffer.from([1, 2]), { fin: false, binary: true });
    peer.send(Buffer.from([3]), { fin: true, binary: true });
    const [data, isBinary] = await waitForEvent<[Buffer, boolean]>(ws, 'message');
    expect([data.toString('hex'), isBinary]).toEqual(['010203', true]);
  });

  it('pings ws and gets the pong; answers ws pings', async () => {
    const { ws, peer } = await ourClient();
    ws.ping('from netlab');
    expect(String((await waitForEvent<[Buffer]>(ws, 'pong'))[0])).toBe('from netlab');
    peer.ping('from ws');
    expect(String((await waitForEvent<[Buffer]>(peer, 'pong'))[0])).toBe('from ws');
  });

  it("closes with a code and reason that ws receives, and reports ws's echo", async () => {
    const { ws, peer } = await ourClient();
    const peerClosed = waitForEvent<[number, Buffer]>(peer, 'close');
    ws.close(1000, 'done');
    const [code, reason] = await waitForEvent<[number, string]>(ws, 'close');
    expect(code).toBe(1000);
    expect(typeof reason).toBe('string');
    const [peerCode, peerReason] = await peerClosed;
    expect([peerCode, peerReason.toString()]).toEqual([1000, 'done']);
  });

  it('receives a close initiated by ws with its code', async () => {
    const { ws, peer } = await ourClient();
    peer.close(4001, 'server says bye');
    expect(await waitForEvent(ws, 'close')).toEqual([4001, 'server says bye']);
  });
});
