import { once } from 'node:events';
import { InvalidArgumentError } from 'common';
import { RawClient, startServer, Teardown, waitForEvent, type TestServer } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import WsLib from 'ws';
import { Opcode } from '../src/constants.ts';
import { createWsServer, type WsServerOptions } from '../src/server.ts';
import type { WebSocket } from '../src/websocket.ts';
import { chatFrame } from '../src/chat/messages.ts';
import { ChatClient } from './chat-client.ts';
import { closeCodeOf, openRaw, upgradeRequest } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function start(
  options: WsServerOptions = {},
): Promise<{ srv: TestServer; server: ReturnType<typeof createWsServer> }> {
  const server = createWsServer({ heartbeatInterval: 0, ...options });
  const srv = await startServer(server);
  teardown.add(srv, () => srv.close());
  return { srv, server };
}

async function wsClient(url: string, protocols?: string[]): Promise<WsLib> {
  const client = new WsLib(url, protocols, { perMessageDeflate: false });
  teardown.add(client, () => client.terminate());
  await waitForEvent(client, 'open');
  return client;
}

/** Sends a raw upgrade request; resolves with the whole response once the server closed the connection. */
async function rawResponse(port: number, request: string): Promise<string> {
  const client = await RawClient.connect({ port });
  teardown.add(client, () => client.destroy());
  client.write(request);
  return (await client.waitForEnd()).toString();
}

describe('HTTP side', () => {
  it('serves the page at GET /', async () => {
    const { srv } = await start();
    const res = await fetch(srv.url('http', '/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('frame inspector');
  });

  const refusals: [string, string, string, number][] = [
    ['a missing key', '/echo', upgradeRequest('/echo', { 'Sec-WebSocket-Key': '' }), 400],
    ['a bad key', '/echo', upgradeRequest('/echo', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }), 400],
    ['version 8', '/echo', upgradeRequest('/echo', { 'Sec-WebSocket-Version': '8' }), 426],
    ['an unknown path', '/nope', upgradeRequest('/nope'), 404],
    ['a POST upgrade', '/echo', upgradeRequest('/echo').replace(/^GET/, 'POST'), 400],
    [
      'Upgrade without Connection: Upgrade',
      '/echo',
      upgradeRequest('/echo', { Connection: 'keep-alive' }),
      400,
    ],
  ];
  for (const [name, , request, status] of refusals) {
    it(`answers ${name} with ${status}, never 101, and closes the connection`, async () => {
      const { srv } = await start();
      const response = await rawResponse(srv.port, request);
      expect(response.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(response).not.toContain(' 101 ');
      if (status === 426) expect(response).toMatch(/sec-websocket-version: 13/i);
    });
  }

  it('refuses a browser from an origin outside the allow-list with 403', async () => {
    const { srv } = await start({ allowedOrigins: ['http://127.0.0.1:12010'] });
    const response = await rawResponse(
      srv.port,
      upgradeRequest('/echo', { Origin: 'http://evil.example' }),
    );
    expect(response).toMatch(/^HTTP\/1.1 403 /);
    await wsClient(srv.url('ws', '/echo')); // no Origin: a non-browser client is let in
  });

  it('validates options once, by name, with Node codes (common InvalidArgumentError)', () => {
    expect(() => createWsServer({ maxPayload: 0 })).toThrow(InvalidArgumentError);
    expect(() => createWsServer({ maxPayload: 0 })).toThrow(
      expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringContaining('maxPayload'),
      }),
    );
    expect(() => createWsServer({ heartbeatInterval: 1.5 })).toThrow(
      expect.objectContaining({
        name: 'InvalidArgumentError',
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringContaining('heartbeatInterval'),
      }),
    );
    expect(() => createWsServer({ closeTimeout: '5s' as unknown as number })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('closeTimeout'),
      }),
    );
    expect(() => createWsServer({ protocols: ['bad protocol'] })).toThrow(InvalidArgumentError);
    expect(() => createWsServer({ protocols: ['bad protocol'] })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining('protocols'),
      }),
    );
  });
});

describe('endpoints', () => {
  it('/chat broadcasts every message to every member with subprotocol chat, as numbered JSON', async () => {
    const { srv } = await start();
    const a = await ChatClient.join(srv.url('ws', '/chat'), teardown);
    const b = await ChatClient.join(srv.url('ws', '/chat'), teardown);
    expect(a.ws.protocol).toBe('chat');
    expect(a.frames[0]).toEqual({ type: 'joined', room: 'lobby' });
    a.send('hi all');
    b.send('and back');
    for (const client of [a, b]) {
      expect(await client.message('hi all')).toEqual({
        type: 'chat',
        room: 'lobby',
        seq: 1,
        text: 'hi all',
      });
      expect(await client.message('and back')).toMatchObject({ seq: 2 });
    }
  });

  it('/updates pushes JSON ticks with an increasing counter and the server time', async () => {
    const { srv } = await start();
    const client = await wsClient(srv.url('ws', '/updates'));
    const ticks: { counter: number; serverTime: number }[] = [];
    await new Promise<void>((resolve) =>
      client.on('message', (data: Buffer) => {
        ticks.push(JSON.parse(data.toString()) as { counter: number; serverTime: number });
        if (ticks.length === 3) resolve();
      }),
    );
    expect(ticks[1]!.counter).toBeGreaterThan(ticks[0]!.counter);
    expect(ticks[2]!.serverTime).toBeGreaterThanOrEqual(ticks[0]!.serverTime);
  });

  it('/inspect reports the frames of the /chat connection with the same tap id', async () => {
    const { srv } = await start();
    const inspector = await wsClient(srv.url('ws', '/inspect?tap=t1'));
    const events: {
      type: string;
      direction?: string;
      opcode?: number;
      masked?: boolean;
      payloadLength?: number;
      head?: string;
    }[] = [];
    inspector.on('message', (data: Buffer) => events.push(JSON.parse(data.toString())));
    const chat = await ChatClient.join(srv.url('ws', '/chat?tap=t1'), teardown);
    chat.send('hello');
    await chat.message('hello');
    await new Promise<void>((resolve) => {
      const check = (): void =>
        events.filter((e) => e.type === 'frame').length >= 2
          ? resolve()
          : void inspector.once('message', check);
      check();
    });
    expect(events[0]).toMatchObject({ type: 'open', protocol: 'chat' });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'frame',
        direction: 'in',
        opcode: 1,
        masked: true,
        payloadLength: 5,
        head: Buffer.from('hello').toString('hex'),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'frame',
        direction: 'out',
        opcode: 1,
        masked: false,
        payloadLength: chatFrame('lobby', 1, 'hello').length,
        head: Buffer.from(chatFrame('lobby', 1, 'hello').slice(0, 16)).toString('hex'),
      }),
    );
  });
});

describe('connection behaviour', () => {
  it('heartbeat terminates a peer that never answers pings, keeps one that does', async () => {
    const { srv, server } = await start({ heartbeatInterval: 400 }); // generous: the answering client must pong within one interval on a loaded machine;
    const alive = await wsClient(srv.url('ws', '/echo'));
    let pings = 0;
    alive.on('ping', () => (pings += 1));
    const silentSide = once(server, 'connection') as Promise<[WebSocket]>;
    const silent = await openRaw(srv.port, '/echo');
    teardown.add(silent, () => silent.client.destroy());
    const [serverSide] = await silentSide;
    const serverClosed = waitForEvent<[number]>(serverSide, 'close');
    const frames = await silent.framesUntilEnd();
    expect(frames.length).toBeGreaterThanOrEqual(1);
    expect(frames.every((f) => f.opcode === Opcode.Ping)).toBe(true); // terminated: no close frame
    expect(pings).toBeGreaterThanOrEqual(1);
    expect((await serverClosed)[0]).toBe(1006);
    expect(alive.readyState).toBe(WsLib.OPEN);
    expect(server.clients.size).toBe(1);
  });

  it('closes with 1009 when a message exceeds maxPayload', async () => {
    const { srv } = await start({ maxPayload: 1024 });
    const client = await wsClient(srv.url('ws', '/echo'));
    client.send(Buffer.alloc(1025));
    const [code] = await waitForEvent<[number]>(client, 'close');
    expect(code).toBe(1009);
  });

  it('closeAll(code, reason) closes every client with that code, then refuses upgrades (503)', async () => {
    const { srv, server } = await start();
    const clients = [
      await wsClient(srv.url('ws', '/echo')),
      await wsClient(srv.url('ws', '/chat'), ['chat']),
    ];
    const codes = clients.map((c) => waitForEvent<[number, Buffer]>(c, 'close'));
    expect(() => server.closeAll(1005)).toThrow(
      expect.objectContaining({ name: 'WsArgumentError', code: 'ERR_WS_INVALID_CLOSE_CODE' }),
    );
    server.closeAll(1012, 'service restart');
    await server.connections.whenEmpty();
    expect((await Promise.all(codes)).map(([code, reason]) => [code, reason.toString()])).toEqual([
      [1012, 'service restart'],
      [1012, 'service restart'],
    ]);
    expect(server.clients.size).toBe(0);
    const response = await rawResponse(srv.port, upgradeRequest('/echo'));
    expect(response).toMatch(/^HTTP\/1.1 503 /);
  });

  it('drain() sends 1001 "server shutting down" to every client, closes idle HTTP sockets, resolves once all closed, then refuses upgrades (503)', async () => {
    const { srv, server } = await start();
    const clients = [
      await wsClient(srv.url('ws', '/echo')),
      await wsClient(srv.url('ws', '/updates')),
      await wsClient(srv.url('ws', '/chat'), ['chat']),
    ];
    const page = await fetch(srv.url('http', '/')); // leaves an idle keep-alive socket
    expect(page.status).toBe(200);
    await page.text();
    expect(server.clients.size).toBe(3);
    expect(server.connections.stateSize).toBe(3);
    expect(server.connections.size).toBe(4);
    const closes = clients.map((c) => waitForEvent<[number, Buffer]>(c, 'close'));
    await server.drain(new AbortController().signal);
    expect(server.clients.size).toBe(0);
    expect(server.connections.stateSize).toBe(0);
    expect(server.connections.size).toBe(0); // the page's keep-alive socket too
    for (const [code, reason] of await Promise.all(closes)) {
      expect([code, reason.toString()]).toEqual([1001, 'server shutting down']);
    }
    const response = await rawResponse(srv.port, upgradeRequest('/echo'));
    expect(response).toMatch(/^HTTP\/1.1 503 /);
  });

  it('drain() resolves when its signal aborts, leaving a peer that never answered the close open', async () => {
    const { srv, server } = await start({ closeTimeout: 60_000 });
    const connected = once(server, 'connection') as Promise<[WebSocket]>;
    const raw = await openRaw(srv.port, '/echo');
    teardown.add(raw, () => raw.client.destroy());
    const [ws] = await connected;
    const controller = new AbortController();
    let settled = false;
    const drained = server.drain(controller.signal).then(() => (settled = true));
    // The close frame reached the peer, which does not answer: the drain must still be waiting.
    expect(closeCodeOf((await raw.waitForFrames(1))[0])).toBe(1001);
    expect(settled).toBe(false);
    expect([...server.clients]).toEqual([ws]);
    controller.abort();
    await drained;
    expect(ws.readyState).toBe(2); // CLOSING: left for the caller's destroyAll()
    expect(server.clients.has(ws)).toBe(true);
    expect(server.connections.destroyAll()).toBe(1);
    await waitForEvent(ws, 'close');
    expect(server.clients.size).toBe(0);
  });

  it('send() reports backpressure and bufferedAmount, then drain once the peer reads', async () => {
    const { srv, server } = await start();
    const connected = once(server, 'connection') as Promise<[WebSocket]>;
    const raw = await openRaw(srv.port, '/updates');
    teardown.add(raw, () => raw.client.destroy());
    raw.client.socket.pause();
    const [ws] = await connected;
    const chunk = Buffer.alloc(1024 * 1024);
    let sent = 0;
    while (ws.send(chunk)) sent += 1;
    expect(sent).toBeLessThan(256);
    expect(ws.bufferedAmount).toBeGreaterThan(0);
    const drained = waitForEvent(ws, 'drain', 15_000);
    raw.client.socket.resume();
    await drained;
  });

  it('send() on a closed connection throws ERR_WS_NOT_OPEN', async () => {
    const { srv, server } = await start();
    const connected = once(server, 'connection') as Promise<[WebSocket]>;
    const client = await wsClient(srv.url('ws', '/echo'));
    const [ws] = await connected;
    client.close();
    await waitForEvent(ws, 'close');
    expect(() => ws.send('late')).toThrow(expect.objectContaining({ code: 'ERR_WS_NOT_OPEN' }));
  });

  it('a protocol error is reported as clientError and fails only that connection', async () => {
    const { srv, server } = await start();
    const errors: string[] = [];
    server.on('clientError', (err: { code: string }) => errors.push(err.code));
    const raw = await openRaw(srv.port, '/echo');
    teardown.add(raw, () => raw.client.destroy());
    raw.client.write(Buffer.from([0x81, 0x00]));
    expect(closeCodeOf((await raw.framesUntilEnd()).at(-1))).toBe(1002);
    expect(errors).toEqual(['ERR_WS_EXPECTED_MASK']);
  });
});

describe('handshake timeout', () => {
  it('answers 408 and closes a connection that never finishes its upgrade request', async () => {
    const { srv } = await start({ handshakeTimeout: 300 });
    const client = await RawClient.connect({ port: srv.port });
    teardown.add(client, () => client.destroy());
    client.write('GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const response = (await client.waitForEnd(10_000)).toString();
    expect(response).toMatch(/^HTTP\/1.1 408 /);
  });
});
