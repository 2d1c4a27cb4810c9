import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, closeServer } from 'common';
import { seeded, startServer, Teardown, waitForEvent } from 'common/harness';
import { MAX_UDP_PAYLOAD_IPV4 } from '../src/constants.ts';
import { createUdpServer, type UdpServer, type UdpServerOptions } from '../src/server.ts';
import {
  capturedLogger,
  dualStackUnavailable,
  ipv6Unavailable,
  secondLoopbackUnavailable,
  UdpPeer,
} from './peer.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function start(options: UdpServerOptions = {}, host = '127.0.0.1') {
  const app = createUdpServer(options);
  const s = teardown.add(await startServer(app, host), (x) => x.close());
  return { app, port: s.port };
}

async function peer(address = '127.0.0.1', type: 'udp4' | 'udp6' = 'udp4'): Promise<UdpPeer> {
  return teardown.add(await UdpPeer.bind(address, type), (p) => p.close());
}

/** Resolves once the server socket has handled `n` more datagrams (our handler runs first). */
function handled(app: UdpServer, n: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const onMessage = (): void => {
      seen += 1;
      if (seen < n) return;
      app.server.off('message', onMessage);
      resolve();
    };
    app.server.on('message', onMessage);
  });
}

const IPV6 = await ipv6Unavailable();
const DUAL_STACK = dualStackUnavailable();
const TWO_SOURCES = await secondLoopbackUnavailable();
for (const reason of [IPV6, DUAL_STACK, TWO_SOURCES])
  if (reason !== undefined) console.warn(`udp-server tests: skipping a test: ${reason}`);

describe('echo', () => {
  it.each([0, 1, 8 * 1024, MAX_UDP_PAYLOAD_IPV4])(
    'sends a %i-byte datagram back to its sender unchanged',
    async (size) => {
      const { app, port } = await start();
      const client = await peer();
      const payload = randomBytes(size);
      await client.send(payload, port);
      const { msg, rinfo } = await client.next();
      expect(msg.equals(payload)).toBe(true);
      expect(rinfo).toMatchObject({ address: '127.0.0.1', port, size });
      expect(app.counters).toMatchObject({ received: 1, sent: 1, bytesReceived: size });
      expect(app.counters.bytesSent).toBe(size); // amplification factor 1: never more
    },
  );

  it('serves many peers from one socket, each its own datagrams (no connections)', async () => {
    const { app, port } = await start();
    const peers = await Promise.all([peer(), peer(), peer()]);
    await Promise.all(peers.map((p, i) => p.send(`peer ${i}`, port)));
    const replies = await Promise.all(peers.map((p) => p.next()));
    expect(replies.map((r) => r.msg.toString())).toEqual(['peer 0', 'peer 1', 'peer 2']);
    expect(app.connections.size).toBe(0);
  });

  it('keeps message boundaries: 50 datagrams come back as 50 datagrams, no 粘包', async () => {
    const { port } = await start();
    const client = await peer();
    for (let i = 0; i < 50; i += 1) await client.send(`message ${i}`, port);
    const got = [];
    for (let i = 0; i < 50; i += 1) got.push((await client.next()).msg.toString());
    expect(got.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `message ${i}`).sort());
  });

  it('echoes garbage of any size and keeps serving', async () => {
    const { app, port } = await start();
    const client = await peer();
    const random = seeded(7);
    for (let i = 0; i < 200; i += 1) {
      const payload = randomBytes(Math.floor(random() * 2_000));
      await client.send(payload, port);
      expect((await client.next()).msg.equals(payload)).toBe(true);
    }
    expect(app.counters).toMatchObject({ received: 200, sent: 200, sendErrors: 0 });
  });

  it.skipIf(IPV6 !== undefined)('udp6 on ::1', async () => {
    const { port } = await start({ type: 'udp6' }, '::1');
    const client = await peer('::1', 'udp6');
    await client.send('over IPv6', port, '::1');
    const { msg, rinfo } = await client.next();
    expect(msg.toString()).toBe('over IPv6');
    expect(rinfo).toMatchObject({ address: '::1', family: 'IPv6', port });
  });

  it.skipIf(IPV6 !== undefined || DUAL_STACK !== undefined)(
    'udp6 on :: (ipv6Only false) serves IPv4 peers too, as ::ffff:a.b.c.d',
    async () => {
      const { logger, lines } = capturedLogger();
      const { port } = await start({ type: 'udp6', logger }, '::');
      const v4 = await peer();
      await v4.send('over IPv4', port, '127.0.0.1');
      expect((await v4.next()).msg.toString()).toBe('over IPv4');
      expect(await lines.waitFor('"remote":"[::ffff:127.0.0.1]:')).toContain("socket 'message'");
    },
  );
});

describe('log mode', () => {
  it("logs the book's line and sends nothing back", async () => {
    const { logger, lines } = capturedLogger('info');
    const { app, port } = await start({ mode: 'log', logger });
    const client = await peer();
    await client.send('hello\n', port);
    const line = await lines.waitFor('server got:');
    expect(JSON.parse(line)).toMatchObject({
      msg: `server got: "hello\\n" from 127.0.0.1:${client.port}`,
      size: 6,
    });
    await client.send(Buffer.from([0xff, 0xfe, 0x00]), port); // not UTF-8: still logged
    await lines.waitForNext('server got:');
    expect(app.counters).toMatchObject({ received: 2, sent: 0 });
  });
});

describe('the four socket events (§7.2)', () => {
  it('logs listening (bound address, buffer sizes), message (debug), error and close', async () => {
    const { logger, lines } = capturedLogger('debug');
    const app = createUdpServer({ logger });
    await listen(app.server, { host: '127.0.0.1', port: 0 });
    const port = app.server.address().port;
    const listening = JSON.parse(await lines.waitFor("socket 'listening'"));
    expect(listening).toMatchObject({ address: `127.0.0.1:${port}`, type: 'udp4' });
    expect(listening.recvBufferSize).toBeGreaterThan(0);
    const client = await peer();
    await client.send('abc', port);
    const message = JSON.parse(await lines.waitFor("socket 'message'"));
    expect(message).toMatchObject({ level: 20, size: 3, remote: `127.0.0.1:${client.port}` });
    const failure = Object.assign(new Error('recvmsg failed'), { code: 'EIO', syscall: 'recvmsg' });
    app.server.emit('error', failure);
    expect(JSON.parse(await lines.waitFor("socket 'error'"))).toMatchObject({
      level: 50,
      err: { code: 'EIO', syscall: 'recvmsg' },
    });
    await closeServer(app.server);
    await lines.waitFor("socket 'close'");
    expect(app.counters.socketErrors).toBe(1);
  });
});

describe('send errors and the send queue', () => {
  it('logs and counts a failed send, and keeps serving everyone else', async () => {
    const { logger, lines } = capturedLogger('info');
    const { app, port } = await start({ logger });
    const send = app.server.send.bind(app.server);
    let failures = 2;
    app.server.send = ((...args: unknown[]) => {
      if (failures === 2) {
        failures -= 1;
        const callback = args.at(-1) as (err: Error | null, bytes: number) => void;
        const err = Object.assign(new Error('send ENETUNREACH'), { code: 'ENETUNREACH' });
        process.nextTick(callback, err, 0);
        return;
      }
      if (failures === 1) {
        failures -= 1;
        throw Object.assign(new Error('not running'), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
      }
      return (send as (...a: unknown[]) => void)(...args);
    }) as typeof app.server.send;
    const client = await peer();
    await client.send('one', port);
    await client.send('two', port);
    await client.send('three', port);
    expect((await client.next()).msg.toString()).toBe('three');
    expect(app.counters).toMatchObject({ received: 3, sent: 1, sendErrors: 2 });
    const warn = JSON.parse(await lines.waitFor('send failed'));
    expect(warn).toMatchObject({ level: 40, err: { code: 'ENETUNREACH' } });
  });

  it('drops replies instead of queueing more than maxSendQueue in memory', async () => {
    const { app, port } = await start({ maxSendQueue: 1 });
    app.server.getSendQueueCount = () => 1; // as if the kernel buffer were full
    const client = await peer();
    const done = handled(app, 1);
    await client.send('x', port);
    await done;
    expect(app.counters).toMatchObject({ received: 1, sent: 0, droppedSendQueue: 1 });
  });
});

describe('rate limit', () => {
  it.skipIf(TWO_SOURCES !== undefined)(
    'drops a burst from one source while a second source is still served',
    async () => {
      const clock = () => 0; // frozen: no token comes back during the test
      const { app, port } = await start({ rate: 1, burst: 3, now: clock });
      const flood = await peer('127.0.0.2');
      const other = await peer('127.0.0.3');
      const all = handled(app, 8);
      for (let i = 0; i < 8; i += 1) await flood.send(`flood ${i}`, port);
      await all;
      expect(app.counters).toMatchObject({ received: 8, sent: 3, droppedRateLimit: 5 });
      await other.send('hello', port);
      expect((await other.next()).msg.toString()).toBe('hello');
      for (let i = 0; i < 3; i += 1) await flood.next();
      expect(flood.received).toHaveLength(3);
      expect(app.counters).toMatchObject({ received: 9, sent: 4, droppedRateLimit: 5 });
      expect(app.rateLimiter).toMatchObject({ tracked: 2, evictedActive: 0 });
    },
  );

  it('refuses burst without rate, unknown modes and out-of-range limits', () => {
    expect(() => createUdpServer({ burst: 5 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => createUdpServer({ mode: 'chat' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => createUdpServer({ rate: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => createUdpServer({ ipv6Only: true })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});

describe('lifecycle', () => {
  it('binds the same port again after close (UDP has no TIME_WAIT)', async () => {
    const first = createUdpServer();
    await listen(first.server, { host: '127.0.0.1', port: 0 });
    const port = first.server.address().port;
    await closeServer(first.server);
    const second = createUdpServer();
    teardown.add(second, (s) => closeServer(s.server));
    await listen(second.server, { host: '127.0.0.1', port });
    const client = await peer();
    await client.send('again', port);
    expect((await client.next()).msg.toString()).toBe('again');
  });

  it('drain: ignores new datagrams, resolves when replies in flight complete', async () => {
    const { app, port } = await start();
    const send = app.server.send.bind(app.server);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    app.server.send = ((...args: unknown[]) => {
      const callback = args.pop() as (err: Error | null, bytes: number) => void;
      // Hand the reply over, but complete it only when the test says so.
      (send as (...a: unknown[]) => void)(
        ...args,
        (err: Error | null, n: number) => void held.then(() => callback(err, n)),
      );
    }) as typeof app.server.send;
    const client = await peer();
    await client.send('in flight', port);
    await client.next();
    let drained = false;
    const draining = app.drain(new AbortController().signal).then(() => (drained = true));
    const ignored = waitForEvent(app.server, 'message');
    await client.send('too late', port);
    await ignored;
    expect(app.counters).toMatchObject({ received: 1, sent: 0 });
    expect(drained).toBe(false);
    release();
    await draining;
    expect(app.counters.sent).toBe(1);
  });

  it('drain: gives up waiting when the signal aborts', async () => {
    const { app, port } = await start();
    app.server.send = (() => undefined) as typeof app.server.send; // a callback that never comes
    const client = await peer();
    const done = handled(app, 1);
    await client.send('stuck', port);
    await done;
    const controller = new AbortController();
    const draining = app.drain(controller.signal);
    controller.abort();
    await draining;
    expect(app.counters).toMatchObject({ received: 1, sent: 0 });
  });
});
