import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { boundPort, listen } from 'common';
import {
  freePort,
  isProcessAlive,
  portIsFree,
  spawnMain,
  Teardown,
  type MainProcess,
} from 'common/harness';
import { findNetlabPackages } from '../src/manifest.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const FIXTURE = fileURLToPath(
  new URL('../../../packages/common/test/fixtures/echo-main.ts', import.meta.url),
);
const teardown = new Teardown();
afterEach(() => teardown.run());

interface FixtureServer {
  port: number;
  args?: string[];
  /** ms the child waits before it runs the server (a slow start: loading, certificates …). */
  delay?: number;
  /** The child ignores SIGTERM (a server stuck in shutdown). */
  stubborn?: boolean;
}

/** A throw-away workspace with server packages whose main.ts runs common's echo fixture. */
function workspace(servers: Record<string, FixtureServer>): string {
  const root = mkdtempSync(join(tmpdir(), 'netlab-start-'));
  teardown.add(root, () => rmSync(root, { recursive: true, force: true }));
  for (const [name, { port, args = [], delay = 0, stubborn = false }] of Object.entries(servers)) {
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
      stubborn
        ? stubbornMain(port)
        : [
            `await new Promise((resolve) => setTimeout(resolve, ${delay}));`,
            `process.argv.push(...${JSON.stringify(args)});`,
            `await import(${JSON.stringify(FIXTURE)});`,
          ].join('\n'),
    );
  }
  mkdirSync(join(root, 'packages', 'not-a-server'), { recursive: true });
  writeFileSync(
    join(root, 'packages', 'not-a-server', 'package.json'),
    JSON.stringify({ name: 'not-a-server' }),
  );
  return root;
}

/**
 * A server stuck in shutdown: listens on `port`, prints the listening line the way `serve()`
 * does, and ignores SIGTERM.
 */
function stubbornMain(port: number): string {
  const address = `tcp://127.0.0.1:${port}`;
  const line = JSON.stringify({ level: 30, msg: `listening on ${address}`, address });
  return [
    `import { createServer } from 'node:net';`,
    `process.on('SIGTERM', () => undefined);`,
    `createServer().listen(${port}, '127.0.0.1', () => process.stdout.write(${JSON.stringify(`${line}
`)}));`,
  ].join('\n');
}

/**
 * Starts the supervisor; teardown kills it and every child it reported (`netlab: starting
 * name (pid N)`), so a failing test never leaves a server behind.
 */
function supervise(root: string, env: Record<string, string> = {}): MainProcess {
  const sup = spawnMain(MAIN, [], { env: { NETLAB_ROOT: root, ...env } });
  teardown.add(sup, async (s) => {
    for (const pid of childPids(s)) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    await s.stop('SIGKILL').catch(() => undefined);
  });
  return sup;
}

/** Polls `condition` every 50 ms (a process of another parent sends no event when it exits). */
async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function childPids(sup: MainProcess): number[] {
  const line = sup.stdout.lines.find((l) => l.startsWith('netlab: starting ')) ?? '';
  return [...line.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
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
    await listen(blocker, { host: '127.0.0.1', port: 0 });
    const busy = boundPort(blocker);
    const good = await freePort();
    const root = workspace({
      good: { port: 1, args: ['--port', String(good)] },
      clash: { port: busy, args: ['--port', String(busy)] },
    });

    const sup = supervise(root);
    await sup.stdout.waitFor('Ctrl-C stops them all', 20_000);

    const row = (name: string): string =>
      sup.stdout.lines.find((l) => l.trimStart().startsWith(`${name} `)) ?? '';
    expect(row('good')).toMatch(new RegExp(`127\\.0\\.0\\.1:${good}\\s+nc 127\\.0\\.0\\.1 1$`));
    expect(row('clash')).toMatch(
      /NOT RUNNING\s+echo-fixture: cannot listen on 127\.0\.0\.1:\d+: address already in use \(EADDRINUSE\)$/,
    );
    expect(row('clash')).toContain(`:${busy}:`);
    expect(sup.stdout.text).toContain('1/2 servers running');
    const pids = childPids(sup);
    expect(pids).toHaveLength(2);

    expect(await sup.stop('SIGTERM', 15_000)).toBe(0);
    expect(sup.stdout.text).toMatch(/\[good\].*closed/);
    expect(sup.stdout.text).toContain('all servers stopped');
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(await portIsFree(good)).toBe(true);
  });

  it('SIGINT while servers are still starting stops every child and frees the ports', async () => {
    const fast = await freePort();
    const slow = await freePort();
    const root = workspace({
      fast: { port: fast, args: ['--port', String(fast)] },
      // Still loading when the signal comes: no handler of its own yet.
      slow: { port: slow, args: ['--port', String(slow)], delay: 60_000 },
    });
    const sup = supervise(root);
    // One server is up, the other still starting: the table has not been printed.
    await sup.stdout.waitFor(/\[fast\].*listening on/, 20_000);
    expect(sup.stdout.text).not.toContain('Ctrl-C stops them all');
    const pids = childPids(sup);
    expect(pids).toHaveLength(2);

    expect(await sup.stop('SIGINT', 15_000)).toBe(0);
    expect(sup.stdout.text).toContain('SIGINT: stopping 2 server(s)');
    expect(sup.stdout.text).toContain('all servers stopped');
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(await portIsFree(fast)).toBe(true);
    expect(await portIsFree(slow)).toBe(true);
  });

  it('SIGTERM before any server has started (while spawning) leaves no child', async () => {
    const root = workspace({
      a: { port: await freePort(), delay: 60_000 },
      b: { port: await freePort(), delay: 60_000 },
    });
    const sup = supervise(root);
    await sup.stdout.waitFor('netlab: starting ', 20_000);
    const pids = childPids(sup);
    expect(await sup.stop('SIGTERM', 15_000)).toBe(0);
    expect(pids).toHaveLength(2);
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });

  it('SIGKILL of the supervisor: every server notices (its IPC channel closes), stops and frees its port', async () => {
    const ports = [await freePort(), await freePort()];
    const root = workspace({
      a: { port: ports[0]!, args: ['--port', String(ports[0])] },
      b: { port: ports[1]!, args: ['--port', String(ports[1])] },
    });
    const sup = supervise(root);
    await sup.stdout.waitFor('Ctrl-C stops them all', 20_000);
    const pids = childPids(sup);
    expect(pids).toHaveLength(2);
    expect(await sup.stop('SIGKILL')).toBe('SIGKILL'); // no handler runs: the children are on their own
    await waitUntil(() => pids.every((pid) => !isProcessAlive(pid)), 15_000, 'the servers to exit');
    for (const port of ports) expect(await portIsFree(port)).toBe(true);
  }, 30_000);

  it('a server that ignores SIGTERM is killed after the deadline; the supervisor still exits 0', async () => {
    const port = await freePort();
    const root = workspace({ stuck: { port, args: ['--port', String(port)], stubborn: true } });
    const sup = supervise(root, { NETLAB_KILL_AFTER_MS: '300' });
    await sup.stdout.waitFor(/\[stuck\].*listening on/, 20_000);
    const pids = childPids(sup);
    expect(await sup.stop('SIGTERM', 15_000)).toBe(0);
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });
});

describe('pnpm start when nothing can start', () => {
  it('says 0/N running and exits 1 instead of waiting for Ctrl-C', async () => {
    const blocker = createServer();
    teardown.add(blocker, () => new Promise((r) => blocker.close(r)));
    await listen(blocker, { host: '127.0.0.1', port: 0 });
    const busy = boundPort(blocker);
    const root = workspace({ clash: { port: busy, args: ['--port', String(busy)] } });
    const sup = supervise(root);
    expect(await sup.exited).toBe(1);
    expect(sup.stdout.text).toContain('0/1 servers running.');
    expect(sup.stdout.text).not.toContain('Ctrl-C');
    expect(childPids(sup).filter(isProcessAlive)).toEqual([]);
  });
});
