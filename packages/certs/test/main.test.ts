/** `pnpm certs` as users run it (the root script runs this main.ts). */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Teardown, execMain } from 'common/harness';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const teardown = new Teardown();
afterEach(() => teardown.run());

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'netlab-certs-cli-'));
  return teardown.add(dir, () => rm(dir, { recursive: true, force: true }));
}

describe('pnpm certs', () => {
  it('generates the dev PKI in --dir, then keeps it', async () => {
    const dir = await tempDir();
    const first = await execMain(MAIN, ['--dir', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^generated dev PKI in ${dir}`));
    expect((await readdir(dir)).sort()).toEqual([
      'ca.crt',
      'ca.key',
      'client.crt',
      'client.key',
      'server.crt',
      'server.key',
    ]);
    const second = await execMain(MAIN, ['--dir', dir]);
    expect(second.stdout).toMatch(/^kept \(still valid; --force regenerates\)/);
  });

  it('a bad flag: one line naming it, exit 2, nothing written; --help: exit 0', async () => {
    const dir = await tempDir();
    const bad = await execMain(MAIN, ['--dir', dir, '--frce']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('certs: unknown flag --frce (see --help)');
    expect(await readdir(dir)).toEqual([]);
    const help = await execMain(MAIN, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: certs \[--force\]/);
  });
});
