/** Interop both ways with `ws` 8: its client against our server, our client against its server. */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { startServer, Teardown, waitForEvent } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import WsLib, { WebSocketServer, type PerMessageDeflateOptions as WsDeflateOptions } from 'ws';
import { connect } from '../src/client.ts';
import { createWsServer, type WsServerOptions } from '../src/server.ts';
import type { FrameInfo, WebSocket } from '../src/websocket.ts';

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

describe('with permessage-deflate', () => {
  const json = JSON.stringify(
    Array.from({ length: 400 }, (_, i) => ({ id: i, name: `item ${i}`, poem: '静夜思' })),
  );
  const random = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 2654435761) >>> 24));

  async function wsClient(
    serverDeflate: WsServerOptions['perMessageDeflate'],
    clientDeflate: boolean | WsDeflateOptions,
  ): Promise<{ client: WsLib; inFrames: FrameInfo[]; extensions: string }> {
    const app = createWsServer({ heartbeatInterval: 0, perMessageDeflate: serverDeflate });
    const inFrames: FrameInfo[] = [];
    let extensions = '';
    app.on('connection', (ws: WebSocket) => {
      extensions = ws.extensions;
      ws.observeFrames((f) => f.direction === 'in' && inFrames.push(f));
    });
    const srv = await startServer(app);
    teardown.add(srv, () => srv.close());
    const client = new WsLib(srv.url('ws', '/echo'), { perMessageDeflate: clientDeflate });
    teardown.add(client, () => client.terminate());
    await waitForEvent(client, 'open');
    return { client, inFrames, extensions };
  }

  async function echoes(client: WsLib, send: () => void, n: number): Promise<[Buffer, boolean][]> {
    const got: [Buffer, boolean][] = [];
    await new Promise<void>((resolve) => {
      client.on('message', (data: Buffer, isBinary: boolean) => {
        got.push([data, isBinary]);
        if (got.length === n) resolve();
      });
      send();
    });
    return got;
  }

  for (const [name, serverOptions, clientOptions, header] of [
    [
      'defaults (no context takeover)',
      true,
      true,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    ],
    [
      'context takeover, small windows',
      { serverNoContextTakeover: false, clientNoContextTakeover: false },
      { serverMaxWindowBits: 10, clientMaxWindowBits: 9 },
      'permessage-deflate; server_max_window_bits=10; client_max_window_bits=9',
    ],
    [
      'window bits 8 both ways',
      { serverNoContextTakeover: false, clientNoContextTakeover: false },
      { serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
      'permessage-deflate; server_max_window_bits=8; client_max_window_bits=8',
    ],
  ] as const) {
    it(`ws client → this server, ${name}: compressed both ways, fragmented too`, async () => {
      const { client, inFrames, extensions } = await wsClient(serverOptions, clientOptions);
      expect(extensions).toBe(header);
      expect(client.extensions).toBe('permessage-deflate'); // ws names the extension only
      const got = await echoes(
        client,
        () => {
          for (let i = 0; i < 3; i += 1) client.send(json);
          client.send(random);
          client.send(json.slice(0, 5000), { fin: false });
          client.send(json.slice(5000), { fin: true });
        },
        5,
      );
      expect(got.map(([d, b]) => [b ? d.toString('hex') : d.toString(), b])).toEqual([
        [json, false],
        [json, false],
        [json, false],
        [random.toString('hex'), true],
        [json, false],
      ]);
      // What the server received was compressed: RSV1 on each message's first frame.
      expect(inFrames.filter((f) => f.opcode !== 0).map((f) => f.rsv1)).toEqual([
        true,
        true,
        true,
        true,
        true,
      ]);
    });
  }

  async function wsServer(
    deflate: boolean | WsDeflateOptions,
  ): Promise<{ url: string; peers: WsLib[] }> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, perMessageDeflate: deflate });
    const peers: WsLib[] = [];
    wss.on('connection', (peer: WsLib) => {
      peers.push(peer);
      peer.on('message', (data: Buffer, isBinary: boolean) =>
        peer.send(data, { binary: isBinary }),
      );
    });
    const srv = await startServer(http);
    teardown.add(srv, () => srv.close());
    teardown.add(wss, () => wss.close());
    return { url: srv.url('ws', '/'), peers };
  }

  // The headers are ws's answers to this client's offers.
  for (const [name, serverOptions, clientOptions, header] of [
    [
      'defaults',
      { threshold: 0 },
      true,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    ],
    [
      'context takeover',
      { threshold: 0 },
      { serverNoContextTakeover: false, clientNoContextTakeover: false },
      'permessage-deflate',
    ],
    [
      "the server's own window limit",
      { threshold: 0, serverMaxWindowBits: 9 },
      { serverNoContextTakeover: false, clientNoContextTakeover: false, clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=10; server_max_window_bits=9',
    ],
  ] as const) {
    it(`this client → ws server, ${name}: compressed both ways`, async () => {
      const { url } = await wsServer(serverOptions);
      const ws = await connect(url, { perMessageDeflate: clientOptions });
      teardown.add(ws, () => ws.terminate());
      expect(ws.extensions).toBe(header);
      const compressed: boolean[] = [];
      ws.observeFrames((f) => f.direction === 'in' && f.opcode !== 0 && compressed.push(f.rsv1));
      const received: [string | Buffer, boolean][] = [];
      const done = new Promise<void>((resolve) =>
        ws.on('message', (data: string | Buffer, isBinary: boolean) => {
          received.push([data, isBinary]);
          if (received.length === 4) resolve();
        }),
      );
      ws.send(json);
      ws.send(random);
      ws.send(json.slice(0, 3000), { fin: false });
      ws.send(json.slice(3000));
      ws.send(json);
      await done;
      expect(received.map(([d, b]) => [b ? (d as Buffer).toString('hex') : d, b])).toEqual([
        [json, false],
        [random.toString('hex'), true],
        [json, false],
        [json, false],
      ]);
      expect(compressed).toEqual([true, true, true, true]); // ws compressed every echo
    });
  }
});
