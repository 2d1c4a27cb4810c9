/**
 * `createHttpServer` through common's server contract only (`NetlabServer`): what `serve()`
 * and the harness rely on, with no knowledge of `HttpServer`'s own API.
 */
import { Agent, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { closeServer, type NetlabServer } from 'common';
import { RawClient, startServer, Teardown, waitForEvent, withTimeout } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from '../src/client.ts';
import { createHttpServer } from '../src/server.ts';
import { statusLines } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

/** Listens on port 0 through the harness (which takes the contract) and registers the close. */
async function start(app: NetlabServer): Promise<number> {
  const ts = await startServer(app);
  teardown.add(ts, () => ts.close());
  expect(ts.connections).toBe(app.connections); // the harness uses the server's own tracker
  return ts.port;
}

async function raw(port: number): Promise<RawClient> {
  const client = await RawClient.connect({ port });
  return teardown.add(client, () => client.destroy());
}

/** The first request the server receives from now on. */
function nextRequest(app: NetlabServer): Promise<[IncomingMessage]> {
  return waitForEvent<[IncomingMessage]>(app.server, 'request');
}

/** A shutdown deadline that a test can abort; aborted at teardown. */
function deadline(): AbortController {
  const controller = new AbortController();
  return teardown.add(controller, () => controller.abort());
}

describe('createHttpServer as a NetlabServer', () => {
  it('has scheme http, an unstarted http.Server, and one tracker for sockets and their state', async () => {
    const http = createHttpServer();
    const app: NetlabServer<Server> = http;
    expect(app.scheme).toBe('http');
    expect(app.server.listening).toBe(false);
    const port = await start(app);
    const client = await raw(port);
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.waitForText('Hello World\n');
    expect(app.connections.size).toBe(1);
    expect(http.connections.stateSize).toBe(1);
    const [state] = [...http.connections.values()];
    expect(state?.current?.statusCode).toBe(200);
    const [serverSocket] = [...http.connections.sockets];
    client.destroy();
    await waitForEvent(serverSocket!, 'close');
    expect(app.connections.size).toBe(0);
    expect(http.connections.stateSize).toBe(0); // the state went with the socket
  });

  it("drain: idle keep-alive socket closed, in-flight request answered with Connection: close, tunnel half-closed; then the server's close completes", async () => {
    const echo = createNetServer((socket: Socket) => {
      socket.on('error', () => socket.destroy());
      socket.pipe(socket);
    });
    const echoServer = await startServer(echo);
    teardown.add(echoServer, () => echoServer.close());
    const app: NetlabServer = createHttpServer({
      proxyAllow: [`127.0.0.1:${echoServer.port}`],
      keepAliveTimeout: 60_000, // without drain the idle socket would linger this long
    });
    const port = await start(app);
    const base = `http://127.0.0.1:${port}`;
    const agent: Agent = new Agent({ keepAlive: true });
    teardown.add(agent, () => agent.destroy());
    await request(`${base}/`, { agent }); // leaves an idle keep-alive socket in the pool
    const tunnel = await raw(port);
    tunnel.write(`CONNECT 127.0.0.1:${echoServer.port} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await tunnel.waitForText('HTTP/1.1 200 Connection Established\r\n\r\n');
    const received = nextRequest(app);
    const slow = request(`${base}/slow?ms=200`, { agent: false });
    await received;
    expect(app.connections.size).toBe(3);

    const closed = closeServer(app.server); // what serve() does first
    await app.drain(deadline().signal);
    const res = await slow;
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe('close');
    expect(statusLines((await tunnel.waitForEnd()).toString())).toEqual([
      'HTTP/1.1 200 Connection Established',
    ]);
    await withTimeout(closed, 5_000, 'server.close() once every connection is gone');
    expect(app.connections.size).toBe(0);
  });

  it('drain resolves when the deadline aborts; connections.destroyAll() then cuts what is left', async () => {
    const app: NetlabServer = createHttpServer();
    const port = await start(app);
    const client = await raw(port);
    const received = nextRequest(app);
    client.write('GET /slow?ms=10000 HTTP/1.1\r\nHost: x\r\n\r\n');
    await received;
    const closed = closeServer(app.server);
    const controller = deadline();
    const drained = app.drain(controller.signal);
    controller.abort(); // the shutdown timeout ran out with the request still running
    await withTimeout(drained, 5_000, 'drain to resolve after the abort');
    expect(app.connections.size).toBe(1);
    expect(app.connections.destroyAll()).toBe(1);
    await closed;
    expect((await client.waitForEnd()).length).toBe(0); // cut: no response was sent
  });
});
