import { Agent, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, Teardown } from 'common/harness';
import { agentPoolState, runLoad } from '../src/agent-pool.ts';
import { connectThrough, request, type ClientEvent } from '../src/client.ts';
import { HttpClientError } from '../src/errors.ts';
import { startHttp } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

describe('request', () => {
  it('reports socket then response; a second request on a keep-alive Agent reuses the socket', async () => {
    const { url } = await startHttp(teardown);
    const agent: Agent = new Agent({ keepAlive: true });
    teardown.add(agent, () => agent.destroy());
    const events: ClientEvent[] = [];
    const first = await request(url('/'), { agent, onEvent: (e) => events.push(e) });
    await request(url('/'), { agent, onEvent: (e) => events.push(e) });
    expect(first.statusCode).toBe(200);
    expect(events.map((e) => e.type)).toEqual(['socket', 'response', 'socket', 'response']);
    expect(
      events.filter((e) => e.type === 'socket').map((e) => (e as { reused: boolean }).reused),
    ).toEqual([false, true]);
  });

  it('--expect-continue: the body is sent only after the continue event', async () => {
    const { url } = await startHttp(teardown);
    const events: string[] = [];
    const res = await request(url('/echo'), {
      agent: false,
      body: 'after 100',
      expectContinue: true,
      onEvent: (e) => events.push(e.type),
    });
    expect(events).toEqual(['socket', 'continue', 'response']);
    expect(res.body.toString()).toBe('after 100');
  });

  it('an Expect over the server limit gets 417 and no continue event', async () => {
    const { url } = await startHttp(teardown, { maxBody: 4 });
    const events: string[] = [];
    const res = await request(url('/echo'), {
      agent: false,
      body: 'too long',
      expectContinue: true,
      onEvent: (e) => events.push(e.type),
    });
    expect(res.statusCode).toBe(417);
    expect(events).not.toContain('continue');
  });

  it('reports the upgrade event when a server switches protocols', async () => {
    const server = createServer((_req, res) => res.end());
    server.on('upgrade', (_req, socket: Duplex) => {
      socket.end(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: demo\r\n\r\n',
      );
    });
    const ts = await startServer(server);
    teardown.add(ts, () => ts.close());
    const events: ClientEvent[] = [];
    const res = await request(ts.url('http'), {
      agent: false,
      upgrade: 'demo',
      onEvent: (e) => events.push(e),
    });
    expect(res.statusCode).toBe(101);
    expect(events.at(-1)).toEqual({ type: 'upgrade', statusCode: 101, upgrade: 'demo' });
  });

  it('a response body over maxResponseBody rejects with HttpClientError ERR_HTTP_RESPONSE_TOO_LARGE', async () => {
    const { url } = await startHttp(teardown);
    const err = await request(url('/static/buffer'), { agent: false, maxResponseBody: 1024 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpClientError);
    expect(err).toMatchObject({ code: 'ERR_HTTP_RESPONSE_TOO_LARGE' });
  });

  it('no socket activity for timeout ms rejects with HttpClientError ETIMEDOUT', async () => {
    const { url } = await startHttp(teardown);
    const err = await request(url('/slow?ms=10000'), { agent: false, timeout: 50 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpClientError);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', message: 'no activity for 50 ms' });
  });

  it('connectThrough: the connect event, then a request through the tunnel', async () => {
    const target = await startHttp(teardown);
    const proxy = await startHttp(teardown, { proxyAllow: [`127.0.0.1:${target.ts.port}`] });
    const events: string[] = [];
    const ok = await connectThrough(proxy.url(), `127.0.0.1:${target.ts.port}`, '/inspect', {
      onEvent: (e) => events.push(e.type),
    });
    expect(ok.connectStatus).toBe(200);
    expect(ok.response?.statusCode).toBe(200);
    expect(JSON.parse(ok.response!.body.toString())).toMatchObject({ url: '/inspect' });
    expect(events).toEqual(['connect', 'socket', 'response']);
    const denied = await connectThrough(proxy.url(), '127.0.0.1:1', '/');
    expect(denied.connectStatus).toBe(403);
    expect(denied.response).toBeUndefined();
  });
});

describe('Agent pool (runLoad)', () => {
  it('maxSockets 5 with 10 in flight: 5 sockets busy, the rest queued in agent.requests', async () => {
    const { url } = await startHttp(teardown);
    const seen: { sockets: number; requests: number }[] = [];
    const result = await runLoad({
      url: url('/slow?ms=30'),
      concurrency: 10,
      requests: 30,
      maxSockets: 5,
      onPoolChange: (state) => seen.push(...state),
    });
    expect(result).toMatchObject({ completed: 30, failed: 0, statuses: { 200: 30 } });
    expect(result.peakSockets).toBe(5);
    expect(result.peakQueued).toBeGreaterThanOrEqual(1);
    expect(result.peakQueued).toBeLessThanOrEqual(5);
    expect(result.connections).toBeLessThanOrEqual(5);
    expect(seen.every((row) => row.sockets <= 5)).toBe(true);
  });

  it('agent: false opens a connection per request and pools nothing', async () => {
    const { url } = await startHttp(teardown);
    const result = await runLoad({
      url: url('/'),
      concurrency: 4,
      requests: 12,
      maxSockets: false,
    });
    expect(result.completed).toBe(12);
    expect(result.peakSockets).toBe(0);
    expect(result.connections).toBe(12);
  });

  it('agentPoolState lists sockets/requests/freeSockets per origin', async () => {
    const { url, ts } = await startHttp(teardown);
    const agent: Agent = new Agent({ keepAlive: true, maxSockets: 1 });
    teardown.add(agent, () => agent.destroy());
    expect(agentPoolState(agent)).toEqual([]);
    const a = request(url('/slow?ms=50'), { agent });
    const b = request(url('/'), { agent });
    expect(agentPoolState(agent)).toEqual([
      { origin: `127.0.0.1:${ts.port}:`, sockets: 1, requests: 1, freeSockets: 0 },
    ]);
    await Promise.all([a, b]);
    expect(agentPoolState(agent)).toEqual([
      { origin: `127.0.0.1:${ts.port}:`, sockets: 0, requests: 0, freeSockets: 1 },
    ]);
  });
});

describe('200 concurrent keep-alive clients', () => {
  it('all get answers and reuse their connections', async () => {
    const { url, http } = await startHttp(teardown);
    let connections = 0;
    http.server.on('connection', () => (connections += 1));
    const result = await runLoad({
      url: url('/'),
      concurrency: 200,
      requests: 1_000,
      maxSockets: 200,
    });
    expect(result).toMatchObject({ completed: 1_000, failed: 0, statuses: { 200: 1_000 } });
    // The first 200 requests go out in one tick: 200 sockets; the other 800 reuse them.
    expect(result.peakSockets).toBe(200);
    expect(connections).toBe(200);
    expect(result.connections).toBe(200);
  });
});
