/**
 * Where the one handler behaves differently over HTTP/1.1 and HTTP/2 (Node's compatibility API
 * is not transparent): each row of the README's table, tested on the running server.
 */
import { constants as h2c } from 'node:http2';
import { connect } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Teardown } from 'common/harness';
import type { Route } from 'http-server';
import { h1, h2, h2Session, loadPki, startHttps, type Pki } from './helpers.ts';
import { FrameType, getRequest, H2Error, headersFrame, RawH2 } from './raw-h2.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

/** Raw HTTP/1.1 over TLS: the bytes the server sends, for what `https.request` would hide. */
async function h1Raw(port: number, request: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca });
  teardown.add(socket, (s) => s.destroy());
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write(request);
  await new Promise((resolve) => socket.once('end', resolve).once('close', resolve));
  return Buffer.concat(chunks).toString('utf8');
}

const TEST_ROUTES: Route[] = [
  {
    path: '/transfer-encoding',
    methods: {
      GET: ({ res }) => {
        res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
        res.end('ok');
      },
    },
  },
  {
    path: '/trailers',
    methods: {
      GET: ({ res }) => {
        res.writeHead(200, { 'Content-Length': 4 });
        res.addTrailers({ 'x-checksum': '42' });
        res.end('body');
      },
    },
  },
];

describe('HTTP/1.1 vs HTTP/2, one handler', () => {
  it('req.headers: HTTP/2 has the pseudo-headers and :authority instead of Host', async () => {
    const { url, port } = await startHttps(teardown, pki);
    const one = JSON.parse((await h1(url('/inspect'), { ca: pki.ca })).body) as {
      headers: Record<string, string>;
    };
    const two = JSON.parse((await h2(h2Session(teardown, url(), pki.ca), '/inspect')).body) as {
      headers: Record<string, string>;
    };
    expect(one.headers.host).toBe(`localhost:${port}`);
    expect(Object.keys(one.headers).some((k) => k.startsWith(':'))).toBe(false);
    expect(two.headers.host).toBeUndefined();
    expect(two.headers).toMatchObject({
      ':method': 'GET',
      ':path': '/inspect',
      ':scheme': 'https',
      ':authority': `localhost:${port}`,
    });
  });

  it('reason phrase: "200 OK" over HTTP/1.1, none over HTTP/2 (RFC 9113 §8.3.2)', async () => {
    const { url } = await startHttps(teardown, pki);
    expect((await h1(url('/'), { ca: pki.ca })).statusMessage).toBe('OK');
    expect(Object.keys((await h2(h2Session(teardown, url(), pki.ca), '/')).headers)).not.toContain(
      ':status',
    );
  });

  it('a bad request-target: HTTP/1.1 reaches the handler (400 + Connection: close); HTTP/2 never does (nghttp2: PROTOCOL_ERROR)', async () => {
    const { url, port } = await startHttps(teardown, pki);
    const raw = await h1Raw(port, 'GET http://[bad HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toMatch(/\r\nConnection: close\r\n/);
    const session = h2Session(teardown, url(), pki.ca);
    await expect(h2(session, 'http://[bad')).rejects.toMatchObject({
      code: 'ERR_HTTP2_STREAM_ERROR',
      message: expect.stringContaining('NGHTTP2_PROTOCOL_ERROR'),
    });
    const res = await h2(session, '/nope'); // the session carries on; no Connection field ever
    expect([res.status, res.headers.connection]).toEqual([404, undefined]);
  });

  it('413 with the body unread: HTTP/1.1 closes the connection, HTTP/2 resets only that stream (NO_ERROR)', async () => {
    const { url } = await startHttps(teardown, pki, { maxBody: 10 });
    const big = 'x'.repeat(100_000);
    const one = await h1(url('/echo'), { ca: pki.ca, method: 'POST', body: big }).catch(
      (err: NodeJS.ErrnoException) => err.code ?? 'error',
    );
    // HTTP/1.1: 413 + Connection: close (or EPIPE/ECONNRESET if the close beats the upload)
    if (typeof one === 'string') expect(['EPIPE', 'ECONNRESET']).toContain(one);
    else expect([one.status, one.headers.connection]).toEqual([413, 'close']);
    const session = h2Session(teardown, url(), pki.ca);
    const two = await h2(session, '/echo', { method: 'POST', body: big });
    expect([two.status, two.rstCode]).toEqual([413, h2c.NGHTTP2_NO_ERROR]);
    expect(two.headers.connection).toBeUndefined();
    expect((await h2(session, '/')).status).toBe(200);
  });

  it('Expect: 100-continue: 100 then 200 on both; over the limit 417 before the body on both', async () => {
    const { url, port } = await startHttps(teardown, pki, { maxBody: 10 });
    const session = h2Session(teardown, url(), pki.ca);
    const stream = session.request({ ':method': 'POST', ':path': '/echo', expect: '100-continue' });
    const continued = new Promise<boolean>((resolve) =>
      stream.once('continue', () => resolve(true)),
    );
    stream.once('continue', () => stream.end('hello'));
    const status = new Promise<number>((resolve) =>
      stream.once('response', (h) => resolve(Number(h[':status']))),
    );
    expect(await continued).toBe(true);
    expect(await status).toBe(200);
    const refused = await h2(session, '/echo', {
      method: 'POST',
      headers: { expect: '100-continue', 'content-length': '11' },
      body: 'x'.repeat(11),
    });
    expect(refused.status).toBe(417);
    const raw = await h1Raw(
      port,
      'POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 417 /);
  });

  it('setHeader after writeHead: ERR_HTTP_HEADERS_SENT vs ERR_HTTP2_HEADERS_SENT (/headers-demo)', async () => {
    const { url } = await startHttps(teardown, pki);
    expect((await h1(url('/headers-demo'), { ca: pki.ca })).body).toContain(
      'threw ERR_HTTP_HEADERS_SENT',
    );
    expect((await h2(h2Session(teardown, url(), pki.ca), '/headers-demo')).body).toContain(
      'threw ERR_HTTP2_HEADERS_SENT',
    );
  });

  it('Transfer-Encoding in writeHead: fine over HTTP/1.1; over HTTP/2 it throws, so the handler resets the stream', async () => {
    const { url } = await startHttps(teardown, pki, { routes: TEST_ROUTES });
    const one = await h1(url('/transfer-encoding'), { ca: pki.ca });
    expect([one.status, one.headers['transfer-encoding'], one.body]).toEqual([
      200,
      'chunked',
      'ok',
    ]);
    const session = h2Session(teardown, url(), pki.ca);
    await expect(h2(session, '/transfer-encoding')).rejects.toMatchObject({
      code: 'ERR_HTTP2_STREAM_ERROR',
      message: expect.stringContaining('NGHTTP2_INTERNAL_ERROR'),
    });
    expect((await h2(session, '/')).status).toBe(200);
  });

  it('trailers: dropped by HTTP/1.1 next to a Content-Length, sent by HTTP/2', async () => {
    const { url } = await startHttps(teardown, pki, { routes: TEST_ROUTES });
    expect((await h1(url('/trailers'), { ca: pki.ca })).trailers).toEqual({});
    expect((await h2(h2Session(teardown, url(), pki.ca), '/trailers')).trailers).toMatchObject({
      'x-checksum': '42',
    });
  });

  it('Upgrade: HTTP/1.1 gets the upgrade event (400 pointing at ws-server); HTTP/2 forbids the field (PROTOCOL_ERROR)', async () => {
    const { port } = await startHttps(teardown, pki);
    const raw = await h1Raw(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(raw).toContain('ws-server');
    const session = h2Session(teardown, `https://localhost:${port}/`, pki.ca);
    expect(() => session.request({ ':path': '/', upgrade: 'websocket' })).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP2_INVALID_CONNECTION_HEADERS' }),
    );
    const peer = teardown.add(await RawH2.connect(port, pki.ca), (p) => p.destroy());
    peer.write(headersFrame(1, getRequest('/', [['upgrade', 'websocket']])));
    expect(await peer.rstCode(1)).toBe(H2Error.ProtocolError);
    peer.write(headersFrame(3, getRequest('/', [['connection', 'close']])));
    expect(await peer.rstCode(3)).toBe(H2Error.ProtocolError);
  });

  it('CONNECT: the connect event has (req, socket, head) over HTTP/1.1 and (req, res) over HTTP/2; both 403', async () => {
    const { url, port } = await startHttps(teardown, pki);
    expect(
      await h1Raw(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    const session = h2Session(teardown, url(), pki.ca);
    const stream = session.request({ ':method': 'CONNECT', ':authority': 'example.com:443' });
    const status = await new Promise<number>((resolve) =>
      stream.once('response', (h) => resolve(Number(h[':status']))),
    );
    expect(status).toBe(403);
  });

  it('header limits: HTTP/1.1 drops fields past maxHeadersCount, HTTP/2 refuses the stream; too large: 431 vs RST_STREAM', async () => {
    const { url, port } = await startHttps(teardown, pki, { maxHeadersCount: 5 });
    const many: Record<string, string> = {};
    for (let i = 0; i < 8; i += 1) many[`x-h${i}`] = 'v';
    const one = JSON.parse((await h1(url('/inspect'), { ca: pki.ca, headers: many })).body) as {
      headers: object;
    };
    expect(Object.keys(one.headers)).toHaveLength(5);
    const session = h2Session(teardown, url(), pki.ca);
    await expect(h2(session, '/inspect', { headers: many })).rejects.toMatchObject({
      code: 'ERR_HTTP2_STREAM_ERROR',
    });
    const big = { 'x-big': 'a'.repeat(20_000) };
    const raw = await h1Raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${big['x-big']}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    // nghttp2 enforces its SETTINGS only once the client acknowledged them (RFC 9113 §6.5.3): a
    // request in the client's first flight is held to the protocol's defaults. One round trip first.
    const session2 = h2Session(teardown, url(), pki.ca);
    await h2(session2, '/');
    await expect(h2(session2, '/', { headers: big })).rejects.toMatchObject({
      code: 'ERR_HTTP2_STREAM_ERROR',
      message: expect.stringContaining('NGHTTP2_ENHANCE_YOUR_CALM'),
    });
  });

  it('req.socket: the TLSSocket over HTTP/1.1; over HTTP/2 a proxy whose writes throw ERR_HTTP2_NO_SOCKET_MANIPULATION', async () => {
    const probe: Route = {
      path: '/socket',
      methods: {
        GET: ({ req, res }) => {
          const socket = (
            req as unknown as { socket: { getProtocol(): string; write(d: string): void } }
          ).socket;
          let write = 'ok';
          try {
            if (req.httpVersionMajor === 2) socket.write('x'); // never on HTTP/1.1: it would corrupt the stream
          } catch (err) {
            write = (err as NodeJS.ErrnoException).code ?? 'threw';
          }
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end(`${socket.getProtocol()} ${write}`);
        },
      },
    };
    const { url } = await startHttps(teardown, pki, { routes: [probe] });
    expect((await h1(url('/socket'), { ca: pki.ca })).body).toBe('TLSv1.3 ok');
    expect((await h2(h2Session(teardown, url(), pki.ca), '/socket')).body).toBe(
      'TLSv1.3 ERR_HTTP2_NO_SOCKET_MANIPULATION',
    );
  });

  it('per-connection state: under the TLSSocket for HTTP/1.1, under the session for HTTP/2', async () => {
    const { app, url } = await startHttps(teardown, pki);
    const session = h2Session(teardown, url(), pki.ca);
    await h2(session, '/');
    const states = [...app.connections.entries()];
    expect(states).toHaveLength(1);
    const [key, state] = states[0]!;
    expect(state.session).toBe(key);
    expect(key.constructor.name).toBe('ServerHttp2Session');
  });

  it('HEAD: no body on either (HTTP/2: END_STREAM on the HEADERS frame)', async () => {
    const { port } = await startHttps(teardown, pki);
    const peer = teardown.add(await RawH2.connect(port, pki.ca), (p) => p.destroy());
    peer.write(
      headersFrame(1, [
        [':method', 'HEAD'],
        [':scheme', 'https'],
        [':path', '/'],
        [':authority', 'localhost'],
      ]),
    );
    const head = await peer.waitForFrame(
      (f) => f.type === FrameType.Headers && f.stream === 1,
      'the HEAD response',
    );
    expect(head.flags & 0x1).toBe(0x1);
    expect(
      peer.frames.some((f) => f.type === FrameType.Data && f.stream === 1 && f.payload.length > 0),
    ).toBe(false);
  });
});
