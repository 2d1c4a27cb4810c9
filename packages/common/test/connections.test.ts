import { EventEmitter, once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  awaitConnect,
  boundPort,
  ConnectionTracker,
  ConnectTimeoutError,
  listen,
  closeServer,
  parseListeningLine,
  listeningMessage,
  ServerStateError,
} from '../src/index.ts';
import { startServer, Teardown } from '../src/harness.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

describe('ConnectionTracker', () => {
  it('counts accepted sockets until they close and destroys the rest', async () => {
    const server = createServer();
    const tracker = new ConnectionTracker().attach(server);
    const s = await startServer(server);
    teardown.add(s, () => s.close());
    const accepted = once(server, 'connection');
    const a = teardown.add(connect(s.port, '127.0.0.1'), (c) => c.destroy());
    const b = teardown.add(connect(s.port, '127.0.0.1'), (c) => c.destroy());
    await accepted;
    await Promise.all([once(a, 'connect'), once(b, 'connect')]);
    while (tracker.size < 2) await once(server, 'connection');
    expect(tracker.size).toBe(2);
    const bClosed = once(b, 'close');
    expect(tracker.destroyAll()).toBe(2);
    await bClosed;
    await new Promise((r) => setImmediate(r));
    expect(tracker.size).toBe(0);
    expect(tracker.destroyAll()).toBe(0);
  });

  it('keeps per-connection state under its key until the key emits close', () => {
    const tracker = new ConnectionTracker<{ n: number }>();
    const key = new EventEmitter();
    tracker.set(key, { n: 1 });
    tracker.set(key, { n: 2 });
    expect(tracker.get(key)).toEqual({ n: 2 });
    expect([...tracker.values()]).toEqual([{ n: 2 }]);
    expect(key.listenerCount('close')).toBe(1);
    key.emit('close');
    expect(tracker.get(key)).toBeUndefined();
    expect(tracker.stateSize).toBe(0);
  });

  it('ignores a socket that is already destroyed', () => {
    const tracker = new ConnectionTracker();
    const socket = connect({ port: 1, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    socket.destroy();
    tracker.add(socket as Socket);
    expect(tracker.size).toBe(0);
  });
});

describe('listen / boundPort / closeServer for TCP and UDP', () => {
  it('binds a UDP socket like a TCP server and reports its port', async () => {
    const socket = createSocket('udp4');
    expect(() => boundPort(socket)).toThrow(ServerStateError);
    const address = await listen(socket, { host: '127.0.0.1', port: 0 });
    expect(address).toBe(`127.0.0.1:${boundPort(socket)}`);
    await closeServer(socket);
    await closeServer(socket); // twice is fine
  });
});

describe('awaitConnect', () => {
  it('resolves on connect and rejects with ECONNREFUSED', async () => {
    const s = await startServer(createServer());
    teardown.add(s, () => s.close());
    const ok = await awaitConnect(connect(s.port, '127.0.0.1'), {
      timeoutMs: 5_000,
      target: { host: '127.0.0.1', port: s.port },
    });
    teardown.add(ok, (c) => c.destroy());
    await s.close();
    await expect(
      awaitConnect(connect(s.port, '127.0.0.1'), {
        timeoutMs: 5_000,
        target: { host: '127.0.0.1', port: s.port },
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('times out with ETIMEDOUT naming the target (a socket that never connects)', async () => {
    // A TLS wait on a plain socket that connected but never becomes 'secureConnect'.
    const s = await startServer(createServer());
    teardown.add(s, () => s.close());
    const socket = connect(s.port, '127.0.0.1');
    await once(socket, 'connect');
    const err = await awaitConnect(socket, {
      timeoutMs: 50,
      event: 'secureConnect',
      target: { host: '127.0.0.1', port: s.port },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect(err).toMatchObject({
      code: 'ERR_TLS_HANDSHAKE_TIMEOUT',
      syscall: 'connect',
      timeoutMs: 50,
    });
    expect(socket.destroyed).toBe(true);
  });
});

describe('the listening line', () => {
  it('is parsed back by what reads it (harness, pnpm start)', () => {
    const line = JSON.stringify({
      level: 30,
      msg: listeningMessage('ws://[::1]:12010'),
      address: 'ws://[::1]:12010',
    });
    expect(parseListeningLine(line)).toEqual({ url: 'ws://[::1]:12010', address: '[::1]:12010' });
    expect(parseListeningLine('{"msg":"closed"}')).toBeUndefined();
    expect(parseListeningLine('listening on nothing')).toBeUndefined();
  });
});

describe('ConnectionTracker.whenEmpty', () => {
  it('resolves when the last socket closes, at once when empty, and on abort', async () => {
    const server = createServer();
    const tracker = new ConnectionTracker().attach(server);
    await tracker.whenEmpty(); // nothing open
    const s = await startServer(server);
    teardown.add(s, () => s.close());
    const client = teardown.add(connect(s.port, '127.0.0.1'), (c) => c.destroy());
    await once(server, 'connection');
    let resolved = false;
    const empty = tracker.whenEmpty().then(() => (resolved = true));
    const controller = new AbortController();
    const aborted = tracker.whenEmpty(controller.signal);
    controller.abort();
    await aborted; // the deadline ends the wait though a socket is still open
    expect(tracker.size).toBe(1);
    expect(resolved).toBe(false);
    client.destroy();
    await empty;
    expect(tracker.size).toBe(0);
  });
});

describe('awaitConnect on a socket destroyed without an error', () => {
  it('rejects with ERR_SOCKET_CLOSED instead of waiting forever', async () => {
    const s = await startServer(createServer());
    teardown.add(s, () => s.close());
    const socket = connect(s.port, '127.0.0.1');
    const waiting = awaitConnect(socket, {
      timeoutMs: 60_000,
      event: 'secureConnect',
      target: { host: '127.0.0.1', port: s.port },
    });
    socket.destroy();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_SOCKET_CLOSED' });
  });
});

describe('ConnectionTracker.whenEmpty with state keys', () => {
  it('waits for a state key that closes after its socket (a TLSSocket, a WebSocket)', async () => {
    const tracker = new ConnectionTracker<number>();
    const key = new EventEmitter();
    tracker.set(key, 1);
    let resolved = false;
    const empty = tracker.whenEmpty().then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    key.emit('close');
    await empty;
    expect(tracker.stateSize).toBe(0);
  });
});

describe('ConnectionTracker.set under a socket it counts', () => {
  it("adds no second close listener; the socket's close drops its state too", () => {
    const tracker = new ConnectionTracker<string, Socket>();
    const socket = connect({ port: 1, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    tracker.add(socket);
    const counted = socket.listenerCount('close');
    tracker.set(socket, 'state');
    expect(socket.listenerCount('close')).toBe(counted); // one listener does both
    expect(tracker.get(socket)).toBe('state');
    socket.emit('close');
    expect(tracker.get(socket)).toBeUndefined();
    expect(tracker.size).toBe(0);
    socket.destroy();
  });
});

describe('ConnectionTracker.set with dropOnClose: false', () => {
  it('adds no close listener; the owner deletes, and whenEmpty sees it', async () => {
    const tracker = new ConnectionTracker<string, EventEmitter>();
    const key = new EventEmitter();
    tracker.set(key, 'state', { dropOnClose: false });
    expect(key.listenerCount('close')).toBe(0);
    expect([...tracker.keys()]).toEqual([key]);
    const empty = tracker.whenEmpty();
    key.emit('close');
    expect(tracker.get(key)).toBe('state'); // still there: nobody deleted it
    tracker.delete(key);
    await empty;
    expect(tracker.stateSize).toBe(0);
  });
});

describe('ConnectionTracker.adopt / forget', () => {
  it('an owner that listens to close takes the socket over; forget ends it', async () => {
    const server = createServer();
    const tracker = new ConnectionTracker().attach(server);
    const s = await startServer(server);
    teardown.add(s, () => s.close());
    const accepted = once(server, 'connection');
    teardown.add(connect(s.port, '127.0.0.1'), (c) => c.destroy());
    const [socket] = (await accepted) as [Socket];
    expect(socket.listenerCount('close')).toBeGreaterThan(0);
    const before = socket.listenerCount('close');
    tracker.adopt(socket);
    expect(socket.listenerCount('close')).toBe(before - 1);
    const empty = tracker.whenEmpty();
    socket.once('close', () => tracker.forget(socket));
    socket.destroy();
    await empty;
    expect(tracker.size).toBe(0);
  });
});
