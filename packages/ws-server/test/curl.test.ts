/** The README's curl commands against the running server (Debian: apt-get install -y curl). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, Teardown } from 'common/harness';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWsServer } from '../src/server.ts';

const run = promisify(execFile);
const teardown = new Teardown();
afterEach(() => teardown.run());

const HANDSHAKE = [
  '-H',
  'Connection: Upgrade',
  '-H',
  'Upgrade: websocket',
  '-H',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
];

describe('curl (the README try-it commands)', () => {
  beforeAll(async () => {
    try {
      await run('curl', ['--version']);
    } catch {
      throw new Error('curl not found: install it with "apt-get install -y curl"');
    }
  });

  it('gets 101 with the RFC sample accept key, then /updates frames', async () => {
    const srv = await startServer(createWsServer({ heartbeatInterval: 0 }).server);
    teardown.add(srv, () => srv.close());
    // --max-time ends the stream: curl exits 28 (timeout) after printing what it got.
    const result = await run(
      'curl',
      [
        '-s',
        '-i',
        '-N',
        '--max-time',
        '1',
        srv.url('http', '/updates'),
        ...HANDSHAKE,
        '-H',
        'Sec-WebSocket-Version: 13',
      ],
      { encoding: 'latin1' },
    ).catch((err: { code: number; stdout: string }) => err);
    expect(result.stdout).toMatch(/^HTTP\/1.1 101 Switching Protocols\r\n/);
    expect(result.stdout).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    expect(result.stdout).toMatch(/\x81.\{"counter":1,"serverTime":\d+\}/);
  });

  it('gets 426 with Sec-WebSocket-Version: 13 for version 8', async () => {
    const srv = await startServer(createWsServer({ heartbeatInterval: 0 }).server);
    teardown.add(srv, () => srv.close());
    const { stdout } = await run('curl', [
      '-s',
      '-i',
      srv.url('http', '/echo'),
      ...HANDSHAKE,
      '-H',
      'Sec-WebSocket-Version: 8',
    ]);
    expect(stdout).toMatch(/^HTTP\/1.1 426 Upgrade Required\r\n/);
    expect(stdout).toContain('Sec-WebSocket-Version: 13\r\n');
  });
});
