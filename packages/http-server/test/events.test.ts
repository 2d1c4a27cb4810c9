import { createServer as createNetServer, type Socket } from 'node:net';
import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { get, type IncomingMessage } from 'node:http';
import { RawClient, startServer, Teardown, waitForEvent, withTimeout } from 'common/harness';
import { request } from '../src/client.ts';
import { captureLogger, startHttp, statusLines } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function raw(port: number): Promise<RawClient> {
  const client = await RawClient.connect({ port });
  return teardown.add(client, () => client.destroy());
}

/** A TCP echo server to tunnel to. */
async function startEcho(): Promise<number> {
  const echo = createNetServer((socket: Socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  const ts = await startServer(echo);
  teardown.add(ts, () => ts.close());
  return ts.port;
}

describe('CONNECT (proxy tunnel)', () => {
  it('is refused with 403 by default (no open proxy)', async () => {
    const target = await startEcho();
    const { ts } = await startHttp(teardown);
    const client = await raw(ts.port);
    client.write(`CONNECT 127.0.0.1:${target} HTTP/1.1\r\nHost: 127.0.0.1:${target}\r\n\r\n`);
    const text = (await client.waitForEnd()).toString();
    expect(statusLines(text)).toEqual(['HTTP/1.1 403 Forbidden']);
    expect(text).toMatch(/CONNECT is disabled/);
  });

  it('tunnels to a listed target (bytes both ways, including ones sent with the CONNECT head)', async () => {
    const target = await startEcho();
    const { ts } = await startHttp(teardown, { proxyAllow: [`127.0.0.1:${target}`] });
    const client = await raw(ts.port);
    client.write(`CONNECT 127.0.0.1:${target} HTTP/1.1\r\nHost: 127.0.0.1:${target}\r\n\r\nearly `);
    await client.waitForText('HTTP/1.1 200 Connection Established\r\n\r\n');
    client.write('ping');
    const text = await client.waitForText('early ping');
    expect(text).toBe('HTTP/1.1 200 Connection Established\r\n\r\nearly ping');
  });

  it('refuses an unlisted target with 403 and a malformed one with 400', async () => {
    const target = await startEcho();
    const { ts } = await startHttp(teardown, { proxyAllow: [`127.0.0.1:${target}`] });
    const other = await raw(ts.port);
    other.write(
      `CONNECT 127.0.0.1:${target + 1 > 65_535 ? 1 : target + 1} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(statusLines((await other.waitForEnd()).toString())).toEqual(['HTTP/1.1 403 Forbidden']);
    const bad = await raw(ts.port);
    bad.write('CONNECT user@127.0.0.1:80 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusLines((await bad.waitForEnd()).toString())).toEqual(['HTTP/1.1 400 Bad Request']);
  });

  it('answers 502 when a listed target refuses the connection', async () => {
    const closed = createNetServer();
    const tmp = await startServer(closed);
    const port = tmp.port;
    await tmp.close(); // nothing listens there any more
    const { logger, lines } = captureLogger();
    const { ts } = await startHttp(teardown, { proxyAllow: [`127.0.0.1:${port}`], logger });
    const client = await raw(ts.port);
    client.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const text = (await client.waitForEnd()).toString();
    expect(statusLines(text)).toEqual(['HTTP/1.1 502 Bad Gateway']);
    expect(text).toMatch(/ECONNREFUSED/);
    expect(lines.find((l) => l.msg === 'CONNECT failed')).toMatchObject({
      code: 'ERR_HTTP_TUNNEL_UNREACHABLE',
      cause: 'ECONNREFUSED',
      target: `127.0.0.1:${port}`,
    });
  });

  it('an open tunnel is not cut by headersTimeout/requestTimeout (they apply to HTTP requests)', async () => {
    const target = await startEcho();
    const { ts } = await startHttp(teardown, {
      proxyAllow: [`127.0.0.1:${target}`],
      headersTimeout: 500,
      requestTimeout: 600,
      connectionsCheckingInterval: 200,
    });
    const client = await raw(ts.port);
    client.write(`CONNECT 127.0.0.1:${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await client.waitForText('Established\r\n\r\n');
    // Outlast both timeouts several checking intervals over; nothing to await but time here.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    client.write('still there?');
    const text = await client.waitForText('still there?');
    expect(text).not.toMatch(/408/);
  });
});

describe('upgrade', () => {
  it('a WebSocket upgrade gets 400 pointing to ws-server, and the socket is closed', async () => {
    const { ts } = await startHttp(teardown);
    const client = await raw(ts.port);
    client.write(
      'GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const text = (await client.waitForEnd()).toString();
    expect(statusLines(text)).toEqual(['HTTP/1.1 400 Bad Request']);
    expect(text).toMatch(/ws-server/);
  });
});

describe('drain (graceful shutdown)', () => {
  it('answers in-flight requests with Connection: close and closes idle keep-alive sockets', async () => {
    const { http, ts, url } = await startHttp(teardown);
    const agent: Agent = new Agent({ keepAlive: true });
    teardown.add(agent, () => agent.destroy());
    // An idle keep-alive socket: one finished request, socket kept in the Agent's pool.
    await request(url('/'), { agent });
    expect(ts.connections.size).toBe(1);
    const slow = request(url('/slow?ms=300'), { agent: new Agent({ keepAlive: true }) });
    await new Promise<void>((resolve) => http.server.once('request', () => resolve()));
    const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
    const controller = new AbortController();
    teardown.add(controller, () => controller.abort());
    const drained = http.drain(controller.signal);
    const res = await slow;
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe('close');
    await drained;
    await closed;
    expect(ts.connections.size).toBe(0);
    expect(http.draining).toBe(true);
  });

  it('closes a keep-alive socket that turns idle after drain began (polling, not once)', async () => {
    const { http, url } = await startHttp(teardown, {
      keepAliveTimeout: 60_000, // without the drain loop the socket would linger this long
      routes: [
        {
          path: '/stream',
          methods: {
            GET: ({ res }) => {
              res.writeHead(200, { 'Content-Type': 'text/plain' });
              res.write('first ');
              setTimeout(() => res.end('last\n'), 200);
            },
          },
        },
      ],
    });
    const agent: Agent = new Agent({ keepAlive: true });
    teardown.add(agent, () => agent.destroy());
    const req = get(url('/stream'), { agent });
    const [res] = await waitForEvent<[IncomingMessage]>(req, 'response');
    expect(res.headers.connection).toBe('keep-alive'); // head went out before the drain
    res.resume();
    const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
    const controller = new AbortController();
    teardown.add(controller, () => controller.abort());
    void http.drain(controller.signal);
    await waitForEvent(res, 'end');
    // server.close() calls back only once every connection is gone.
    await withTimeout(closed, 5_000, 'the server to close once the last socket went idle');
  });
});
