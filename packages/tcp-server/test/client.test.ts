import type { Socket } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, Teardown, waitForEvent } from 'common/harness';
import { InvalidArgumentError } from 'common';
import { TcpClient, type TcpClientOptions } from '../src/client.ts';
import { ECHO_GREETING } from '../src/constants.ts';
import { CLIENT_LIMITS } from '../src/limits.ts';
import { createTcpServer, type Framing } from '../src/server.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function connected(framing: Framing, extra: { frameSize?: number } = {}): Promise<TcpClient> {
  const running = await startServer(createTcpServer({ framing, ...extra }));
  teardown.add(running, () => running.close());
  const client = await TcpClient.connect({ port: running.port, framing, ...extra });
  return teardown.add(client, () => client.close());
}

async function replies(client: TcpClient): Promise<string[]> {
  const out: string[] = [];
  for await (const reply of client) out.push(reply.toString());
  return out;
}

describe('TcpClient', () => {
  it.each(['line', 'length'] as const)(
    '%s: sends messages and yields the decoded replies',
    async (framing) => {
      const client = await connected(framing);
      await client.send('first');
      await client.send(new Uint8Array(Buffer.from('second')));
      client.end();
      expect(await replies(client)).toEqual(['first', 'second']);
    },
  );

  it('fixed: pads each message to a record', async () => {
    const client = await connected('fixed', { frameSize: 8 });
    await client.send('abc');
    client.end();
    expect(await replies(client)).toEqual(['abc\0\0\0\0\0']);
  });

  it('echo: raw bytes both ways, greeting first', async () => {
    const client = await connected('echo');
    await client.send('raw');
    client.end();
    expect((await replies(client)).join('')).toBe(`${ECHO_GREETING}raw`);
  });

  it('refuses a message its framing cannot carry, before writing anything', async () => {
    const client = await connected('line');
    await expect(client.send('two\nlines')).rejects.toMatchObject({ code: 'ERR_INVALID_MESSAGE' });
    expect(client.socket.bytesWritten).toBe(0);
  });

  it.each(['echo', 'length'] as const)(
    '%s: rejects connect with the socket error code',
    async (framing) => {
      await expect(
        TcpClient.connect({ path: join(tmpdir(), 'tcp-server-no-such.sock'), framing }),
      ).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );

  it.each([
    ['framing', 'ERR_INVALID_ARG_VALUE', { framing: 'udp' }],
    ['connectTimeout', 'ERR_OUT_OF_RANGE', { connectTimeout: 0 }],
    ['connectTimeout', 'ERR_INVALID_ARG_TYPE', { connectTimeout: '5s' }],
    ['maxMessage', 'ERR_OUT_OF_RANGE', { maxMessage: CLIENT_LIMITS.maxMessage.max + 1 }],
  ])('rejects a bad %s with %s naming it, before connecting', async (name, code, options) => {
    // Port 1 on loopback refuses connections: a connect attempt would fail with ECONNREFUSED.
    const connecting = TcpClient.connect({ port: 1, ...(options as TcpClientOptions) });
    await expect(connecting).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(connecting).rejects.toMatchObject({
      code,
      message: expect.stringContaining(`"${name}"`),
    });
  });

  it('ends iteration with ECONNRESET when the server resets the connection', async () => {
    const server = createTcpServer({ framing: 'length' });
    const running = await startServer(server);
    teardown.add(running, () => running.close());
    const accepted = waitForEvent<[Socket]>(server.server, 'connection');
    const client = await TcpClient.connect({ port: running.port, framing: 'length' });
    teardown.add(client, () => client.close());
    const iterating = replies(client);
    const [socket] = await accepted;
    socket.resetAndDestroy();
    await expect(iterating).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(client.error).toMatchObject({ code: 'ECONNRESET' });
  });

  it('ends iteration with ERR_CONNECTION_CLOSED when closed locally before the server ended', async () => {
    const client = await connected('line');
    const iterating = replies(client);
    client.close();
    await expect(iterating).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
  });
});
