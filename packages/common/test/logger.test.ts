import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Teardown } from '../src/harness.ts';
import { connectionFields, connectionLogger, createLogger } from '../src/index.ts';

function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const teardown = new Teardown();
afterEach(() => teardown.run());

describe('createLogger', () => {
  it('writes JSON lines with name and level, and honours the level', () => {
    const out = sink();
    const logger = createLogger({
      name: 'unit',
      level: 'warn',
      format: 'json',
      destination: out.stream,
    });
    logger.info('hidden');
    logger.warn({ port: 1 }, 'shown');
    expect(out.lines()).toEqual([
      expect.objectContaining({ name: 'unit', level: 40, port: 1, msg: 'shown' }),
    ]);
  });

  it('pretty format is human-readable, not JSON', () => {
    const out = sink();
    const logger = createLogger({ name: 'unit', format: 'pretty', destination: out.stream });
    logger.info('hello there');
    expect(() => out.lines()).toThrow();
  });

  it('connectionLogger tags lines with a distinct conn id and the remote address', async () => {
    const out = sink();
    const logger = createLogger({ name: 'unit', format: 'json', destination: out.stream });
    const server = createServer((socket: Socket) => {
      connectionLogger(logger, socket).info('accepted');
      socket.end();
    });
    teardown.add(server, () => new Promise((r) => server.close(r)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    for (let i = 0; i < 2; i += 1) {
      const c = connect(port, '127.0.0.1');
      await once(c, 'close');
    }
    const [a, b] = out.lines();
    expect(a!.remote).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(a!.conn).not.toBe(b!.conn);
  });
});

describe('connectionFields', () => {
  it('says unknown for a destroyed TCP socket that lost its address', async () => {
    const server = createServer((socket: Socket) => {
      socket.destroy();
      fields.push(connectionFields(socket));
    });
    const fields: { conn: number; remote: string }[] = [];
    teardown.add(server, () => new Promise((r) => server.close(r)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const c = connect((server.address() as { port: number }).port, '127.0.0.1');
    c.on('error', () => undefined);
    await once(c, 'close');
    expect(fields[0]?.remote).toBe('unknown');
  });
});
