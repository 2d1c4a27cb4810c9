import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { execMain, RawClient, startMain, Teardown } from '../src/harness.ts';
import { listen } from '../src/index.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/echo-main.ts', import.meta.url));
const CONNECT_FIXTURE = fileURLToPath(new URL('./fixtures/connect-main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

async function start(args: string[] = []) {
  const main = await startMain(FIXTURE, args);
  teardown.add(main, () => main.stop('SIGKILL'));
  return main;
}

describe('serve() as a program (fixture main)', () => {
  it('logs exactly one listening line with the real bound address', async () => {
    const main = await start();
    expect(main.port).toBeGreaterThan(0);
    const listening = main.stdout.lines.filter((l) => l.includes('"msg":"listening'));
    expect(listening).toHaveLength(1);
    expect(JSON.parse(listening[0]!)).toMatchObject({
      address: `tcp://127.0.0.1:${main.port}`,
      msg: `listening on tcp://127.0.0.1:${main.port}`,
    });
  });

  it('SIGTERM with no connections: closes and exits 0', async () => {
    const main = await start();
    expect(await main.stop('SIGTERM')).toBe(0);
    expect(main.stdout.text).toContain('"msg":"closed"');
  });

  it('SIGINT stops accepting, lets an open connection finish, then exits 0', async () => {
    const main = await start(['--linger', '200']);
    const client = teardown.add(await RawClient.connect({ port: main.port }), (c) => c.destroy());
    client.write('before\n');
    await client.waitForText('before\n');
    main.child.kill('SIGINT');
    await main.stdout.waitFor('shutting down');
    // Stopped accepting: a new connection is refused...
    await expect(RawClient.connect({ port: main.port })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    // ...while the open one still works and ends normally.
    client.write('after\n');
    await client.waitForText('after\n');
    client.end();
    expect((await client.waitForEnd()).toString()).toBe('before\nafter\n');
    expect(await main.exited).toBe(0);
    expect(main.stdout.text).not.toContain('destroyed open connections');
  });

  it('destroys connections still open at the shutdown timeout, and still exits 0', async () => {
    const main = await start(['--shutdown-timeout', '300']);
    const client = teardown.add(await RawClient.connect({ port: main.port }), (c) => c.destroy());
    main.child.kill('SIGTERM');
    await client.waitForEnd();
    expect(await main.exited).toBe(0);
    expect(main.stdout.text).toContain('"destroyed":1');
  });

  it('a port in use: one line on stderr naming the address, exit 1', async () => {
    const blocker = createServer();
    teardown.add(blocker, () => new Promise((r) => blocker.close(r)));
    const address = await listen(blocker, { host: '127.0.0.1', port: 0 });
    const port = address.split(':')[1]!;
    const result = await execMain(FIXTURE, ['--port', port]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `echo-fixture: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`,
    );
  });

  it.each([
    [['--port', '70000'], 'echo-fixture: --port must be between 0 and 65535 (got 70000)'],
    [['--port', 'abc'], "echo-fixture: --port must be an integer (got 'abc')"],
    [['--nope'], 'echo-fixture: unknown flag --nope (see --help)'],
  ])('bad flags %j exit 2 with one line naming the flag', async (args, line) => {
    const result = await execMain(FIXTURE, args);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(line);
  });
});

describe('runMain (lifecycle) for client CLIs', () => {
  it('a refused connection is one line naming the address, exit 1', async () => {
    const blocker = createServer();
    teardown.add(blocker, () => new Promise((r) => blocker.close(r)));
    const port = (await listen(blocker, { host: '127.0.0.1', port: 0 })).split(':')[1]!;
    await new Promise((r) => blocker.close(r)); // a port nobody listens on any more
    const result = await execMain(CONNECT_FIXTURE, [port]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `connect-fixture: cannot connect to 127.0.0.1:${port}: connection refused (is the server running?) (ECONNREFUSED)`,
    );
  });

  it('stdoutRaw keeps output byte-exact, final newline included', async () => {
    const result = await execMain(FIXTURE, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdoutRaw.endsWith('\n')).toBe(true);
    expect(result.stdout.endsWith('\n')).toBe(false);
  });
});

describe('startMain without a listening line', () => {
  it('rejects after the timeout and kills the process it started', async () => {
    const started = startMain(FIXTURE, ['--log-level', 'warn'], { timeoutMs: 1_500 });
    await expect(started).rejects.toThrow(/timed out/);
    // The fixture's pid is in none of its output (warn hides the listening line): find it by
    // the command line instead.
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
    const pid = out
      .split('\n')
      .filter((l) => l.includes('echo-main.ts') && l.includes('--log-level warn'))
      .map((l) => Number(l.trim().split(/\s+/)[0]))[0];
    expect(pid).toBeUndefined();
  });
});
