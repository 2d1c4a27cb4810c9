import { connect, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, InvalidArgumentError, type Logger } from 'common';
import { RawClient, startServer, Teardown, waitForEvent } from 'common/harness';
import { ECHO_GREETING, MAX_GREETING_BYTES } from '../src/constants.ts';
import { SERVER_LIMITS } from '../src/limits.ts';
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

/** A debug-level logger whose JSON lines land in `lines`, parsed. */
function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return {
    logger: createLogger({ name: 'test', level: 'debug', format: 'json', destination }),
    lines,
  };
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
    expect(server.server.listening).toBe(true);
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
    const { logger, lines } = captureLogger();
    const { port } = await start({ framing: 'length', maxPayload: 1024, logger });
    const c = await client(port);
    c.write(Buffer.concat([encodeLengthPrefixed('fine'), lengthPrefixHeader(0xffff_ffff)]));
    expect(await c.waitForEnd()).toEqual(encodeLengthPrefixed('fine'));
    expect(lines).toContainEqual(
      expect.objectContaining({
        err: { code: 'ERR_FRAME_TOO_LARGE', declared: 0xffff_ffff, limit: 1024 },
        framing: 'length',
      }),
    );
  });

  it('echoes only whole frames: a frame cut short by the FIN is logged, not echoed', async () => {
    const { logger, lines } = captureLogger();
    const { port } = await start({ framing: 'length', logger });
    const c = await client(port);
    const whole = encodeLengthPrefixed(Buffer.alloc(3000, 1));
    c.write(Buffer.concat([whole, encodeLengthPrefixed('cut short').subarray(0, 6)]));
    c.end();
    expect(await c.waitForEnd()).toEqual(whole);
    expect(lines).toContainEqual(
      expect.objectContaining({ err: { code: 'ERR_UNEXPECTED_EOF', size: 6 }, framing: 'length' }),
    );
  });

  it('drain: echoes the whole frames received, drops a partial one, then half-closes', async () => {
    const { port, server } = await start({ framing: 'length' });
    const c = await client(port);
    const whole = encodeLengthPrefixed('before the drain');
    c.write(Buffer.concat([whole, encodeLengthPrefixed('partial').subarray(0, 5)]));
    await c.waitForBytes(whole.length);
    const drained = server.drain(new AbortController().signal);
    expect(await c.waitForEnd()).toEqual(whole);
    c.end();
    await drained;
    expect(server.connections.size).toBe(0);
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
    const dropped = waitForEvent(server.server, 'drop');
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
      const accepted = waitForEvent<[Socket]>(server.server, 'connection');
      await client(port);
      const [socket] = await accepted;
      const calls = setNoDelay.mock.contexts.filter((ctx) => ctx === socket);
      expect(calls.length).toBe(noDelay ? 1 : 0);
    }
  });

  it('tracks each accepted socket with its ConnectionHandle until it closes', async () => {
    const { port, server } = await start({ framing: 'line' });
    const accepted = waitForEvent<[Socket]>(server.server, 'connection');
    const c = await client(port);
    const [socket] = await accepted;
    expect(server.connections.size).toBe(1);
    expect(server.connections.get(socket)?.socket).toBe(socket);
    const closed = waitForEvent(socket, 'close');
    c.end();
    await closed;
    expect(server.connections.size).toBe(0);
    expect(server.connections.stateSize).toBe(0);
  });
});

describe('drain (graceful shutdown)', () => {
  it('half-closes open connections after their last echo, and resolves once they closed', async () => {
    const { port, server } = await start({ framing: 'line' });
    const c = await client(port);
    c.write('last words\n');
    await c.waitForText('last words\n');
    const drained = server.drain(new AbortController().signal);
    // Our FIN comes after the echo; the client answers with its own, and the socket closes.
    expect((await c.waitForEnd()).toString()).toBe('last words\n');
    await drained;
    expect(server.connections.size).toBe(0);
  });

  it('resolves when the signal aborts, leaving a peer that never ends to the caller', async () => {
    const { port, server } = await start({ framing: 'echo' });
    const accepted = waitForEvent(server.server, 'connection');
    // allowHalfOpen: this client does not answer the server's FIN with its own.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    teardown.add(socket, (s) => s.destroy());
    socket.resume();
    const ended = waitForEvent(socket, 'end');
    await accepted;
    const controller = new AbortController();
    let settled = false;
    const drained = server.drain(controller.signal).then(() => (settled = true));
    await ended; // the server half-closed
    await nextTurn();
    expect(settled).toBe(false);
    expect(server.connections.size).toBe(1);
    controller.abort();
    await drained;
    expect(server.connections.size).toBe(1);
    expect(server.connections.destroyAll()).toBe(1);
  });

  it('resolves at once with no open connection', async () => {
    const { server } = await start();
    await server.drain(new AbortController().signal);
    expect(server.connections.size).toBe(0);
  });
});

describe('options', () => {
  it.each([
    ['maxMessage', 'ERR_OUT_OF_RANGE', { maxMessage: 0 }],
    ['maxPayload', 'ERR_OUT_OF_RANGE', { maxPayload: SERVER_LIMITS.maxPayload.max + 1 }],
    ['frameSize', 'ERR_OUT_OF_RANGE', { frameSize: 1.5 }],
    ['idleTimeout', 'ERR_OUT_OF_RANGE', { idleTimeout: -1 }],
    ['idleTimeout', 'ERR_INVALID_ARG_TYPE', { idleTimeout: '100' }],
    ['maxConnections', 'ERR_OUT_OF_RANGE', { maxConnections: 0 }],
    ['framing', 'ERR_INVALID_ARG_VALUE', { framing: 'nope' }],
    ['greeting', 'ERR_INVALID_ARG_VALUE', { greeting: 'x'.repeat(MAX_GREETING_BYTES) }],
  ])('a bad %s is an InvalidArgumentError with %s naming it', (name, code, options) => {
    let error: unknown;
    try {
      createTcpServer(options as TcpServerOptions);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code, message: expect.stringContaining(`"${name}"`) });
  });

  it('resolves every limit from SERVER_LIMITS: the defaults, and each bound accepted', () => {
    const defaults = createTcpServer().options;
    for (const [key, limit] of Object.entries(SERVER_LIMITS)) {
      expect(defaults[key as keyof typeof defaults]).toBe(limit.default);
      for (const value of [limit.min, limit.max]) {
        expect(createTcpServer({ [key]: value }).options).toMatchObject({ [key]: value });
      }
    }
  });
});
