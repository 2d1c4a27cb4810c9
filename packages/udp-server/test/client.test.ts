import type { RemoteInfo } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, Teardown } from 'common/harness';
import { measure, sendOnce } from '../src/client.ts';
import { NoReplyError } from '../src/errors.ts';
import { createUdpServer } from '../src/server.ts';
import { UdpPeer } from './peer.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function echoServer(): Promise<number> {
  const s = teardown.add(await startServer(createUdpServer()), (x) => x.close());
  return s.port;
}

/** A port with nobody behind it: bound, then closed. */
async function deadPort(): Promise<number> {
  const p = await UdpPeer.bind();
  const port = p.port;
  p.close();
  return port;
}

/**
 * A misbehaving "network": a bare socket that decides, for each datagram, what to send back
 * (list of buffers, in order) to its sender.
 */
async function network(
  reply: (msg: Buffer, index: number, release: (b: Buffer) => void) => Buffer[],
): Promise<number> {
  const p = teardown.add(await UdpPeer.bind(), (x) => x.close());
  let index = 0;
  p.socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    const send = (b: Buffer): void => void p.socket.send(b, rinfo.port, rinfo.address);
    for (const b of reply(msg, index++, send)) send(b);
  });
  return p.port;
}

describe('sendOnce', () => {
  it('sends, gets the echo, and times the round trip', async () => {
    const port = await echoServer();
    const r = await sendOnce({ port, message: 'hello' });
    expect(r.reply.toString()).toBe('hello');
    expect(r).toMatchObject({ attempt: 1, from: `127.0.0.1:${port}`, echoed: true });
    expect(r.rttMs).toBeGreaterThan(0);
  });

  it('sends a 0-byte datagram too', async () => {
    const port = await echoServer();
    const r = await sendOnce({ port, message: '' });
    expect(r.reply.length).toBe(0);
  });

  it('times out against a port nobody listens on, after 1 + retries sends', async () => {
    const port = await deadPort();
    const err = await sendOnce({ port, message: 'anyone?', timeout: 30, retries: 2 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NoReplyError);
    expect(err).toMatchObject({ code: 'ERR_NO_REPLY', attempts: 3, timeoutMs: 30, port });
    expect((err as Error).message).toBe(`no reply from 127.0.0.1:${port} after 3 attempts × 30 ms`);
  });

  it('a lost datagram: the retry gets through', async () => {
    const port = await network((msg, i) => (i === 0 ? [] : [msg])); // drops the first
    const r = await sendOnce({ port, message: 'again', timeout: 50, retries: 3 });
    expect(r).toMatchObject({ attempt: 2, echoed: true });
  });

  it('refuses a message over 65,507 bytes before sending anything', async () => {
    await expect(sendOnce({ port: 9, message: Buffer.alloc(65_508) })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
  });
});

describe('measure', () => {
  it('1,000 datagrams with a bounded window over loopback: nothing lost', async () => {
    const port = await echoServer();
    const seen: number[] = [];
    const r = await measure({
      port,
      count: 1_000,
      window: 16,
      size: 64,
      onProgress: (p) => {
        seen.push(p.inFlight);
        expect(p.inFlight).toBeLessThanOrEqual(16);
      },
    });
    expect(r).toMatchObject({ sent: 1_000, received: 1_000, lost: 0, lossPercent: 0 });
    expect(r).toMatchObject({ duplicated: 0, late: 0, invalid: 0, inFlight: 0, stopped: null });
    expect(r).toMatchObject({ target: `127.0.0.1:${port}`, size: 64, window: 16, errors: 0 });
    expect(r.rttMs!.p50).toBeLessThanOrEqual(r.rttMs!.p99);
    expect(r.jitterMs).toBeGreaterThanOrEqual(0);
    expect(seen.at(-1)).toBe(0); // the final progress call
  });

  it('counts duplicates, reordering and strangers the network adds', async () => {
    let held: Buffer | undefined;
    const port = await network((msg) => {
      const out = [Buffer.from('not a probe'), msg, msg]; // a stranger + every echo twice
      if (held === undefined) {
        held = msg; // swap each pair: hold one …
        return [Buffer.from('not a probe')];
      }
      const first = held;
      held = undefined;
      return [...out, first, first]; // … and send it after the next
    });
    const r = await measure({ port, count: 100, window: 2, timeout: 1_000 });
    // The run ends with the last first echo: the very last copy comes after it, uncounted.
    expect(r).toMatchObject({ sent: 100, received: 100, lost: 0, duplicated: 99 });
    expect(r).toMatchObject({ reordered: 50, invalid: 100 });
  });

  it('a late echo: received after its timeout, counted late, not lost', async () => {
    let first: Buffer | undefined;
    const port = await network((msg, i) => {
      if (i === 0) {
        first = msg; // held until the client has given it up and sent the next
        return [];
      }
      return [first!, msg];
    });
    const r = await measure({ port, count: 2, window: 1, timeout: 40 });
    expect(r).toMatchObject({ sent: 2, received: 2, late: 1, lost: 0 });
    expect(r.rttMs!.max).toBeGreaterThanOrEqual(40);
  });

  it('loses what never comes back', async () => {
    const port = await network((msg, i) => (i % 4 === 0 ? [] : [msg]));
    const r = await measure({ port, count: 40, window: 40, timeout: 50 });
    expect(r).toMatchObject({ sent: 40, received: 30, lost: 10, lossPercent: 25, inFlight: 0 });
  });

  it('stops at once on ICMP port unreachable (ECONNREFUSED on the connected socket)', async () => {
    const port = await deadPort();
    const r = await measure({ port, count: 1_000, window: 4, timeout: 10_000 });
    expect(r).toMatchObject({
      received: 0,
      stopped: 'port-unreachable',
      lastError: 'ECONNREFUSED',
    });
  });

  it('stops when the signal aborts and reports what was measured', async () => {
    const controller = new AbortController();
    const port = await network((msg, i) => {
      if (i === 9) controller.abort();
      return i < 9 ? [msg] : [];
    });
    const r = await measure({
      port,
      count: 1_000,
      window: 1,
      timeout: 10_000,
      signal: controller.signal,
    });
    expect(r).toMatchObject({ sent: 10, received: 9, lost: 1, inFlight: 1, stopped: 'aborted' });
  });
});
