/**
 * `/chat` across instances through a real redis-server on loopback (issue 16): two servers,
 * each with its own `RedisChatBus`, a client on each. Redis is started by the test on a free
 * port and stopped by PID; these tests fail with an install hint when redis-server is missing.
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from 'common';
import { RedisServer, startServer, Teardown, waitForEvent } from 'common/harness';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { chatFrame } from '../src/chat/messages.ts';
import { RedisChatBus } from '../src/chat/redis-bus.ts';
import { createWsServer } from '../src/server.ts';
import { ChatClient } from './chat-client.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

/** A JSON logger whose lines the test can read. */
function capturedLogger(): { logger: Logger; lines: () => { msg: string; code?: string }[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name: 'ws-server', format: 'json', destination });
  return { logger, lines: () => lines.map((l) => JSON.parse(l) as { msg: string }) };
}

async function startRedis(): Promise<RedisServer> {
  const redis = await RedisServer.start();
  teardown.add(redis, (r) => r.stop());
  return redis;
}

/** A ws-server whose `/chat` runs over Redis at `url`; resolves once its bus is up. */
async function instance(url: string, options: { chatPublishTimeout?: number } = {}) {
  const log = capturedLogger();
  const bus = new RedisChatBus({ url, logger: log.logger, ...options });
  teardown.add(bus, (b) => b.close());
  const up = bus.connected ? Promise.resolve() : waitForEvent(bus, 'up');
  const srv = await startServer(
    createWsServer({ heartbeatInterval: 0, chatBus: bus, logger: log.logger }),
  );
  teardown.add(srv, (s) => s.close());
  await up;
  return { bus, srv, log, chat: (room = 'lobby') => srv.url('ws', `/chat?room=${room}`) };
}

describe('/chat over Redis pub/sub, two instances', () => {
  it("A on one instance, B on the other: A's message reaches both, numbered by Redis", async () => {
    const redis = await startRedis();
    const [one, two] = [await instance(redis.url), await instance(redis.url)];
    const a = await ChatClient.join(one.chat(), teardown);
    const b = await ChatClient.join(two.chat(), teardown);
    a.send('hello from A');
    b.send('hello from B');
    expect((await b.message('hello from A')).seq).toBeLessThanOrEqual(2);
    await a.message('hello from B');
    await b.message('hello from B');
    // One order for everyone: Redis numbered the room's messages 1, 2 in the order it ran them.
    const order = (c: ChatClient) => c.frames.filter((f) => f.type === 'chat');
    expect(order(a)).toEqual(order(b));
    expect(order(a).map((f) => f.seq)).toEqual([1, 2]);
    // The frame built by the Lua script is byte for byte the in-process bus's.
    const first = order(a)[0]!;
    expect(a.raw).toContain(chatFrame('lobby', first.seq, first.text));
  });

  it('rooms are separate, each with its own sequence', async () => {
    const redis = await startRedis();
    const [one, two] = [await instance(redis.url), await instance(redis.url)];
    const a = await ChatClient.join(one.chat('red'), teardown);
    const b = await ChatClient.join(two.chat('blue'), teardown);
    const c = await ChatClient.join(two.chat('red'), teardown);
    a.send('to red');
    b.send('to blue');
    expect(await c.message('to red')).toMatchObject({ room: 'red', seq: 1 });
    expect(await b.message('to blue')).toMatchObject({ room: 'blue', seq: 1 });
    expect(c.frames.some((f) => f.type === 'chat' && f.room === 'blue')).toBe(false);
  });

  it('Redis restarted mid-test: both instances reconnect and resubscribe, chat recovers', async () => {
    const redis = await startRedis();
    const [one, two] = [await instance(redis.url), await instance(redis.url)];
    const a = await ChatClient.join(one.chat(), teardown);
    const b = await ChatClient.join(two.chat(), teardown);
    a.send('before');
    await b.message('before');
    const down = [waitForEvent(one.bus, 'down'), waitForEvent(two.bus, 'down')];
    await redis.stop();
    await Promise.all(down);
    const up = [waitForEvent(one.bus, 'up', 15_000), waitForEvent(two.bus, 'up', 15_000)];
    await redis.restart();
    await Promise.all(up);
    a.send('after');
    // The counter was in the Redis that restarted without saving: the room starts at 1 again.
    expect(await b.message('after')).toMatchObject({ seq: 1 });
    expect(one.log.lines().map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'chat bus: connected to Redis',
        'chat bus: lost the connection to Redis; reconnecting',
        'chat bus: reconnected to Redis',
      ]),
    );
  });

  it('Redis stays down: the sender gets an error frame after chatPublishTimeout, and a log line', async () => {
    const redis = await startRedis();
    const one = await instance(redis.url, { chatPublishTimeout: 300 });
    const a = await ChatClient.join(one.chat(), teardown);
    const down = waitForEvent(one.bus, 'down');
    await redis.stop();
    await down;
    a.send('into the void');
    expect(await a.error()).toEqual({
      type: 'error',
      room: 'lobby',
      code: 'ERR_CHAT_BUS_UNAVAILABLE',
      message: 'Redis was unreachable for 300 ms: the message was not published',
    });
    expect(a.frames.some((f) => f.type === 'chat')).toBe(false);
    expect(one.log.lines()).toContainEqual(
      expect.objectContaining({
        msg: 'chat: message not delivered: Redis was unreachable for 300 ms: the message was not published',
        code: 'ERR_CHAT_BUS_UNAVAILABLE',
      }),
    );
  });

  it('a message written but not confirmed in time is UNCONFIRMED, and may still be delivered (at most once, never resent)', async () => {
    const redis = await startRedis();
    const one = await instance(redis.url, { chatPublishTimeout: 200 });
    const a = await ChatClient.join(one.chat(), teardown);
    const admin = new Redis(redis.url);
    teardown.add(admin, (r) => r.disconnect());
    await admin.client('PAUSE', 1_000, 'WRITE'); // Redis holds write commands (our script) for 1 s
    a.send('late');
    expect(await a.error()).toMatchObject({ code: 'ERR_CHAT_BUS_UNCONFIRMED' });
    // Redis runs it once the pause ends: it was delivered after all, exactly once.
    expect(await a.message('late', 5_000)).toMatchObject({ seq: 1 });
  });
});

describe('RedisChatBus without a reachable Redis', () => {
  it('never throws: messages wait chatPublishTimeout, then fail; past chatMaxPending they fail at once', async () => {
    const { logger, lines } = capturedLogger();
    // A port nothing listens on: the bus keeps reconnecting (and logs one warning).
    const bus = new RedisChatBus({
      url: `redis://127.0.0.1:1`,
      logger,
      chatPublishTimeout: 100,
      chatMaxPending: 300,
    });
    teardown.add(bus, (b) => b.close());
    const first = bus.publish('lobby', 'one'); // 3 + 256 bytes: within 300
    await expect(bus.publish('lobby', 'two')).rejects.toMatchObject({
      name: 'ChatBusError',
      code: 'ERR_CHAT_BUS_UNAVAILABLE',
      message: 'more than 300 bytes of messages are already waiting for Redis',
    });
    await expect(first).rejects.toMatchObject({ code: 'ERR_CHAT_BUS_UNAVAILABLE' });
    // The budget is free again.
    await expect(bus.publish('lobby', 'three')).rejects.toMatchObject({
      message: 'Redis was unreachable for 100 ms: the message was not published',
    });
    expect(lines().filter((l) => l.msg.startsWith('chat bus: cannot reach Redis'))).toHaveLength(1);
    await bus.close();
    await expect(bus.publish('lobby', 'four')).rejects.toMatchObject({
      message: 'the chat bus is closed',
    });
  });

  it('refuses a URL that is not redis:// or rediss://', () => {
    expect(() => new RedisChatBus({ url: 'http://127.0.0.1:6379' })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
