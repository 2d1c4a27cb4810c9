import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from 'common';
import { spawnMain, Teardown } from 'common/harness';
import { findNetlabPackages } from '../src/manifest.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const FIXTURE = fileURLToPath(
  new URL('../../../packages/common/test/fixtures/echo-main.ts', import.meta.url),
);
const teardown = new Teardown();
afterEach(() => teardown.run());

/** A throw-away workspace with server packages whose main.ts runs common's echo fixture. */
function workspace(servers: Record<string, { port: number; args?: string[] }>): string {
  const root = mkdtempSync(join(tmpdir(), 'netlab-start-'));
  teardown.add(root, () => rmSync(root, { recursive: true, force: true }));
  for (const [name, { port, args = [] }] of Object.entries(servers)) {
    const dir = join(root, 'packages', name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name,
        type: 'module',
        netlab: { server: { port, label: name, tryIt: `nc 127.0.0.1 ${port}` } },
      }),
    );
    writeFileSync(
      join(dir, 'src', 'main.ts'),
      `process.argv.push(...${JSON.stringify(args)});\nawait import(${JSON.stringify(FIXTURE)});\n`,
    );
  }
  mkdirSync(join(root, 'packages', 'not-a-server'), { recursive: true });
  writeFileSync(
    join(root, 'packages', 'not-a-server', 'package.json'),
    JSON.stringify({ name: 'not-a-server' }),
  );
  return root;
}

describe('findNetlabPackages', () => {
  it('lists packages with a netlab field, by default port', async () => {
    const root = workspace({ b: { port: 2 }, a: { port: 1 } });
    expect((await findNetlabPackages(root)).map((p) => p.name)).toEqual(['a', 'b']);
  });
});

describe('pnpm start (supervisor)', () => {
  it('runs the servers, reports a port in use in one line, and stops everything on SIGTERM', async () => {
    const blocker = createServer();
    teardown.add(blocker, () => new Promise((r) => blocker.close(r)));
    const busy = Number((await listen(blocker, { host: '127.0.0.1', port: 0 })).split(':')[1]);
    const root = workspace({
      good: { port: 1, args: ['--port', '0'] },
      clash: { port: busy, args: ['--port', String(busy)] },
    });

    const sup = spawnMain(MAIN, [], { env: { NETLAB_ROOT: root } });
    // The servers run in their own process groups (so a terminal's Ctrl-C reaches only the
    // supervisor): if the test fails before SIGTERM, kill them too, or they outlive the run.
    teardown.add(sup, async (s) => {
      spawnSync('pkill', ['-KILL', '-P', String(s.child.pid)]);
      await s.stop('SIGKILL').catch(() => undefined);
    });
    await sup.stdout.waitFor('Ctrl-C stops them all', 20_000);

    const row = (name: string): string =>
      sup.stdout.lines.find((l) => l.trimStart().startsWith(`${name} `)) ?? '';
    expect(row('good')).toMatch(/127\.0\.0\.1:\d+\s+nc 127\.0\.0\.1 1$/);
    expect(row('clash')).toMatch(
      /NOT RUNNING\s+echo-fixture: cannot listen on 127\.0\.0\.1:\d+: address already in use \(EADDRINUSE\)$/,
    );
    expect(row('clash')).toContain(`:${busy}:`);
    expect(sup.stdout.text).toContain('1/2 servers running');

    expect(await sup.stop('SIGTERM', 10_000)).toBe(0);
    expect(sup.stdout.text).toMatch(/\[good\].*closed/);
    expect(sup.stdout.text).toContain('all servers stopped');
  });
});

describe('pnpm start when nothing can start', () => {
  it('says 0/N running and exits 1 instead of waiting for Ctrl-C', async () => {
    const blocker = createServer();
    teardown.add(blocker, () => new Promise((r) => blocker.close(r)));
    const busy = Number((await listen(blocker, { host: '127.0.0.1', port: 0 })).split(':')[1]);
    const root = workspace({ clash: { port: busy, args: ['--port', String(busy)] } });
    const sup = spawnMain(MAIN, [], { env: { NETLAB_ROOT: root } });
    teardown.add(sup, (s) => s.stop('SIGKILL').catch(() => undefined));
    expect(await sup.exited).toBe(1);
    expect(sup.stdout.text).toContain('0/1 servers running.');
    expect(sup.stdout.text).not.toContain('Ctrl-C');
  });
});
