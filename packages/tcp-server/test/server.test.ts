import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RawClient, startServer, Teardown, waitForEvent } from 'common/harness';
import { ECHO_GREETING } from '../src/constants.ts';
import { encodeLengthPrefixed, lengthPrefixHeader } from '../src/protocol/length-prefixed.ts';
import { createTcpServer, type TcpServerOptions } from '../src/server.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function start(options: TcpServerOptions = {}) {
  const server = createTcpServer(options);
  const running = await startServer(server);
  teardown.add(running, () => running.close());
  return { server, ...running };
}

async function client(port: number): Promise<RawClient> {
  const c = await RawClient.connect({ port });
  return teardown.add(c, () => c.destroy());
}

describe('echo mode (§7.1 pipe echo)', () => {
  it('greets with one short line, echoes bytes unchanged, and answers a half-close after the echo', async () => {
    const { port } = await start();
    const c = await client(port);
    await c.waitForText(ECHO_GREETING);
    expect(Buffer.byteLength(ECHO_GREETING)).toBeLessThan(4096);
    const payload = Buffer.from([0, 1, 2, 255, 0x0a, 0x0d]);
    c.write(payload);
    c.end();
    const all = await c.waitForEnd();
    expect(all).toEqual(Buffer.concat([Buffer.from(ECHO_GREETING), payload]));
  });
});

describe('line mode', () => {
  it('echoes each message as message + \\n, stripping \\r, with no greeting', async () => {
    const { port } = await start({ framing: 'line' });
    const c = await client(port);
    c.write('hel');
    c.write('lo\r\nwor');
    c.write('ld\n\n');
    c.end();
    expect((await c.waitForEnd()).toString()).toBe('hello\nworld\n\n');
  });

  it('answers a line over maxMessage with exactly one ERR line, before its newline, then closes', async () => {
    const { port, server } = await start({ framing: 'line', maxMessage: 8 });
    const c = await client(port);
    c.write('ok\n123456789'); // no newline: the limit is crossed anyway
    const all = (await c.waitForEnd()).toString();
    expect(all).toMatch(/^ok\nERR ERR_MESSAGE_TOO_LONG [^\n]*\n$/);
    // The server keeps serving.
    const next = await client(port);
    next.write('again\n');
    next.end();
    expect((await next.waitForEnd()).toString()).toBe('again\n');
    expect(server.listening).toBe(true);
  });
});

describe('length mode', () => {
  it('echoes frames, the header and payload split across writes', async () => {
    const { port } = await start({ framing: 'length' });
    const c = await client(port);
    const frames = Buffer.concat([
      encodeLengthPrefixed('alpha'),
      encodeLengthPrefixed(''),
      encodeLengthPrefixed(Buffer.alloc(70_000, 7)),
    ]);
    for (let i = 0; i < frames.length; i += 1_000) c.write(frames.subarray(i, i + 1_000));
    c.end();
    expect(await c.waitForEnd()).toEqual(frames);
  });

  it('closes the connection on a header above maxPayload, without waiting for the payload', async () => {
    const { port } = await start({ framing: 'length', maxPayload: 1024 });
    const c = await client(port);
    c.write(Buffer.concat([encodeLengthPrefixed('fine'), lengthPrefixHeader(0xffff_ffff)]));
    expect(await c.waitForEnd()).toEqual(encodeLengthPrefixed('fine'));
  });
});

describe('fixed mode', () => {
  it('echoes records one by one and drops a trailing partial record', async () => {
    const { port } = await start({ framing: 'fixed', frameSize: 4 });
    const c = await client(port);
    c.write('abcdef');
    c.write('ghij');
    c.end();
    expect((await c.waitForEnd()).toString()).toBe('abcdefgh');
  });
});

describe('connections', () => {
  it('keeps state per connection: interleaved partial frames on two connections come back to their owners', async () => {
    const { port } = await start({ framing: 'length' });
    const a = await client(port);
    const b = await client(port);
    const fa = encodeLengthPrefixed('from connection A');
    const fb = encodeLengthPrefixed('from connection B, longer');
    a.write(fa.subarray(0, 3));
    b.write(fb.subarray(0, 7));
    a.write(fa.subarray(3, 10));
    b.write(fb.subarray(7, 8));
    a.write(fa.subarray(10));
    b.write(fb.subarray(8));
    a.end();
    b.end();
    expect(await a.waitForEnd()).toEqual(fa);
    expect(await b.waitForEnd()).toEqual(fb);
  });

  it('closes a connection whose partial frame stalls past idleTimeout', async () => {
    const { port } = await start({ framing: 'length', idleTimeout: 200 });
    const c = await client(port);
    c.write(encodeLengthPrefixed('hello').subarray(0, 6));
    expect((await c.waitForEnd()).length).toBe(0);
  });

  it('drops connections beyond maxConnections and serves the ones it accepted', async () => {
    const { port, server } = await start({ maxConnections: 1 });
    const first = await client(port);
    await first.waitForText(ECHO_GREETING);
    const dropped = waitForEvent(server, 'drop');
    const second = await client(port);
    await dropped;
    expect((await second.waitForEnd()).length).toBe(0);
    first.write('still here');
    await first.waitForText('still here');
  });

  it('calls socket.setNoDelay(true) on accepted sockets when asked, and not otherwise', async () => {
    const setNoDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    teardown.add(setNoDelay, () => setNoDelay.mockRestore());
    for (const noDelay of [true, false]) {
      setNoDelay.mockClear();
      const { port, server } = await start({ framing: 'line', noDelay });
      const accepted = waitForEvent<[Socket]>(server, 'connection');
      await client(port);
      const [socket] = await accepted;
      const calls = setNoDelay.mock.contexts.filter((ctx) => ctx === socket);
      expect(calls.length).toBe(noDelay ? 1 : 0);
    }
  });

  it('endConnections() half-closes open connections after their last echo', async () => {
    const { port, server } = await start({ framing: 'line' });
    const c = await client(port);
    c.write('last words\n');
    await c.waitForText('last words\n');
    expect(server.endConnections()).toBe(1);
    expect((await c.waitForEnd()).toString()).toBe('last words\n');
  });

  it('rejects bad options with ERR_INVALID_ARG_VALUE', () => {
    expect(() => createTcpServer({ maxMessage: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => createTcpServer({ framing: 'nope' as 'echo' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
