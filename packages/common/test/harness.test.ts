import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LineCollector,
  RawClient,
  startServer,
  Teardown,
  waitForEvent,
  withTimeout,
} from '../src/harness.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

describe('Teardown', () => {
  it('runs cleanups last-in first-out and reports every failure', async () => {
    const order: number[] = [];
    const t = new Teardown();
    t.add(1, () => order.push(1));
    t.add(2, () => {
      throw new Error('two');
    });
    t.add(3, () => order.push(3));
    await expect(t.run()).rejects.toThrow(AggregateError);
    expect(order).toEqual([3, 1]);
  });
});

describe('waits', () => {
  it('withTimeout rejects with ERR_TEST_TIMEOUT saying what it waited for', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'the moon')).rejects.toMatchObject({
      code: 'ERR_TEST_TIMEOUT',
      message: 'timed out after 20 ms waiting for the moon',
    });
  });

  it('waitForEvent resolves with the arguments, or times out naming the event', async () => {
    const e = new EventEmitter();
    const got = waitForEvent(e, 'ping', 1000);
    e.emit('ping', 1, 2);
    expect(await got).toEqual([1, 2]);
    await expect(waitForEvent(e, 'never', 20)).rejects.toThrow("waiting for 'never'");
  });

  it('LineCollector finds past and future lines, across chunk boundaries', async () => {
    const stream = new PassThrough();
    const lines = new LineCollector(stream);
    stream.write('alpha\nbe');
    expect(await lines.waitFor('alpha')).toBe('alpha');
    const later = lines.waitFor(/^beta$/);
    stream.write('ta\n');
    expect(await later).toBe('beta');
    await expect(lines.waitFor('gamma', 20)).rejects.toThrow(/alpha\nbeta/);
  });

  it('LineCollector.waitForNext ignores lines that arrived before the call', async () => {
    const stream = new PassThrough();
    const lines = new LineCollector(stream);
    stream.write('rss 1\n');
    await lines.waitFor('rss 1');
    const next = lines.waitForNext(/^rss /);
    stream.write('rss 2\n');
    expect(await next).toBe('rss 2');
  });
});

describe('startServer + RawClient', () => {
  it('binds port 0, collects bytes, and close() destroys open sockets', async () => {
    const server = createServer((socket) => socket.write('hello'));
    const s = await startServer(server);
    teardown.add(s, () => s.close());
    expect(s.port).toBeGreaterThan(0);
    expect(s.url('tcp')).toBe(`tcp://127.0.0.1:${s.port}/`);
    const client = teardown.add(await RawClient.connect({ port: s.port }), (c) => c.destroy());
    expect((await client.waitForBytes(5)).toString()).toBe('hello');
    expect(s.connections.size).toBe(1);
    await s.close();
    await client.waitForEnd();
    expect(client.ended).toBe(true);
    expect(server.listening).toBe(false);
  });

  it('waitForText times out with a preview of what arrived', async () => {
    const server = createServer((socket) => socket.write('partial'));
    const s = await startServer(server);
    teardown.add(s, () => s.close());
    const client = teardown.add(await RawClient.connect({ port: s.port }), (c) => c.destroy());
    await expect(client.waitForText('complete', 50)).rejects.toThrow(/"partial"/);
  });
});
