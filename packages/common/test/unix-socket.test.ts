import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../src/index.ts';
import { Teardown } from '../src/harness.ts';
import { prepareSocketPath } from '../src/unix-socket.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-unix-'));
  return teardown.add(dir, () => rmSync(dir, { recursive: true, force: true }));
}

describe('prepareSocketPath', () => {
  it('reports a free path', async () => {
    expect(await prepareSocketPath(join(tempDir(), 'none.sock'))).toBe('free');
  });

  it('refuses a socket a live server accepts on, with EADDRINUSE', async () => {
    const path = join(tempDir(), 'live.sock');
    const server = createServer();
    await listen(server, { host: '', port: 0, path });
    teardown.add(server, () => new Promise((r) => server.close(r)));
    await expect(prepareSocketPath(path)).rejects.toMatchObject({
      code: 'EADDRINUSE',
      address: path,
    });
    expect(existsSync(path)).toBe(true);
  });

  it('never removes a path that is not a socket', async () => {
    const path = join(tempDir(), 'notes.txt');
    writeFileSync(path, 'keep me');
    await expect(prepareSocketPath(path)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(existsSync(path)).toBe(true);
  });
});
