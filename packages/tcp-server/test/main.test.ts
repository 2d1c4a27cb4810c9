import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flagName, limitsHelp, listeningMessage } from 'common';
import { execMain, LineCollector, RawClient, startMain, Teardown } from 'common/harness';
import { TcpClient } from '../src/client.ts';
import { ECHO_GREETING } from '../src/constants.ts';
import { CLIENT_LIMITS, SERVER_LIMITS } from '../src/limits.ts';
import { encodeLengthPrefixed } from '../src/protocol/length-prefixed.ts';
import { createTcpServer } from '../src/server.ts';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');
const teardown = new Teardown();
afterEach(() => teardown.run());

async function server(args: string[] = []) {
  const proc = await startMain(MAIN, args);
  return teardown.add(proc, () => proc.stop('SIGKILL'));
}

/**
 * Runs `main.ts client …` with `input` on stdin; `stdout` is byte-exact (`stdoutRaw`: joined
 * lines would hide a missing or extra final newline).
 */
async function runClient(
  args: string[],
  input: string,
): Promise<{ code: number | NodeJS.Signals; stdout: string; stderr: string }> {
  const { code, stdoutRaw, stderr } = await execMain(MAIN, ['client', ...args], { input });
  return { code, stdout: stdoutRaw, stderr };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-server-'));
  return teardown.add(dir, () => rmSync(dir, { recursive: true, force: true }));
}

describe('bad flags', () => {
  it.each([
    [['--framing', 'udp'], '--framing'],
    [['--max-message', '0'], '--max-message'],
    [['--max-message', 'lots'], '--max-message'],
    [['--max-payload', '2g'], '--max-payload'],
    [['--frame-size', '0'], '--frame-size'],
    [['--idle-timeout', '-5'], '--idle-timeout'],
    [['--max-connections', '0'], '--max-connections'],
    [['--port', '70000'], '--port'],
    [['--bogus'], '--bogus'],
    [['client', '--framing', 'nope'], '--framing'],
    [['client', '--port', 'x'], '--port'],
  ])('%j exits 2 naming %s on one line', async (args, flag) => {
    const { code, stderr } = await execMain(MAIN, args);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(flag);
  });
});

describe('one table of limits for the library and the CLI', () => {
  it.each(Object.entries(SERVER_LIMITS))(
    'server %s: the value above its max is refused by createTcpServer and by the flag',
    async (key, limit) => {
      const flag = flagName(key, limit)!;
      expect(() => createTcpServer({ [key]: limit.max + 1 })).toThrow(
        expect.objectContaining({
          code: 'ERR_OUT_OF_RANGE',
          message: expect.stringContaining(key),
        }),
      );
      const { code, stderr } = await execMain(MAIN, [flag, String(limit.max + 1)]);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(flag)]);
    },
  );

  it.each(Object.entries(CLIENT_LIMITS))(
    'client %s: the value above its max is refused by TcpClient.connect and by the flag',
    async (key, limit) => {
      const flag = flagName(key, limit)!;
      await expect(TcpClient.connect({ port: 1, [key]: limit.max + 1 })).rejects.toMatchObject({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringContaining(key),
      });
      const { code, stderr } = await execMain(MAIN, ['client', flag, String(limit.max + 1)]);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(flag)]);
    },
  );

  it.each([
    ['server', [], SERVER_LIMITS],
    ['client', ['client'], CLIENT_LIMITS],
  ] as const)(
    '%s --help lists every limit of its table, with its default',
    async (_, args, table) => {
      const { code, stdout } = await execMain(MAIN, [...args, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(limitsHelp(table));
    },
  );
});

describe('the server program', () => {
  it('logs one listening line with the scheme and the bound address', async () => {
    const proc = await server();
    const lines = proc.stdout.text.split('\n').filter((l) => l.includes('"listening on '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`"msg":"${listeningMessage(`tcp://127.0.0.1:${proc.port}`)}"`);
  });
});

describe('the client CLI against the server', () => {
  it.each([
    ['line', 'hello\nwörld\r\n\nlast without newline', 'hello\nwörld\n\nlast without newline\n'],
    ['length', 'hello\nwörld\n', 'hello\nwörld\n'],
    ['fixed', 'short\nrecords\n', 'short\nrecords\n'],
  ])(
    '%s: sends stdin as messages and prints the decoded replies',
    async (framing, input, expected) => {
      const { port } = await server(['--framing', framing]);
      const { code, stdout, stderr } = await runClient(
        ['--port', String(port), '--framing', framing],
        input,
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toBe(expected);
    },
  );

  it('echo: prints the greeting and the raw bytes back', async () => {
    const { port } = await server();
    const { code, stdout } = await runClient(['--port', String(port)], 'raw bytes, no framing');
    expect(code).toBe(0);
    expect(stdout).toBe(`${ECHO_GREETING}raw bytes, no framing`);
  });

  it('line: prints the server ERR line for a message over the server limit', async () => {
    const { port } = await server(['--framing', 'line', '--max-message', '16']);
    const input = `ok\n${'x'.repeat(17)}\nnever echoed\n`;
    const { stdout } = await runClient(['--port', String(port), '--framing', 'line'], input);
    expect(stdout).toMatch(/^ok\nERR ERR_MESSAGE_TOO_LONG [^\n]*\n$/);
  });

  it('exits 1 with one line when nothing listens, in any framing', async () => {
    const stopped = await startMain(MAIN, []); // a port that was just free, now closed again
    await stopped.stop();
    for (const framing of ['echo', 'line']) {
      const { code, stderr } = await runClient(
        ['--port', String(stopped.port), '--framing', framing],
        '',
      );
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('ECONNREFUSED')]);
    }
  });
});

describe('with nc (netcat-openbsd)', () => {
  beforeAll(() => {
    if (spawnSync('sh', ['-c', 'command -v nc']).status !== 0) {
      throw new Error(
        'nc is missing: install it with `apt-get install -y netcat-openbsd` (CI does)',
      );
    }
  });

  function nc(port: number, input: string): Promise<string> {
    // -N: shut down the socket's write side (half-close) after stdin's EOF.
    const child = spawn('nc', ['-N', '127.0.0.1', String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    teardown.add(child, () => child.kill('SIGKILL'));
    const out = new LineCollector(child.stdout);
    child.stdin.end(input);
    return new Promise((resolve) => child.on('close', () => resolve(out.text)));
  }

  it('echo: greeting, then the bytes back, then the connection ends', async () => {
    const { port } = await server();
    expect(await nc(port, 'hello from nc\n')).toBe(`${ECHO_GREETING}hello from nc`);
  });

  it('line: CRLF lines come back as LF lines; an over-long line gets one ERR line', async () => {
    const { port } = await server(['--framing', 'line', '--max-message', '8']);
    expect(await nc(port, 'one\r\ntwo\r\n')).toBe('one\ntwo');
    expect(await nc(port, 'one\n123456789\ntwo\n')).toMatch(
      /^one\nERR ERR_MESSAGE_TOO_LONG [^\n]*$/,
    );
  });
});

describe('Unix domain socket (--path)', () => {
  it('listens on the path (shown bare in the listening line) and serves the client there', async () => {
    const path = join(tempDir(), 'echo.sock');
    const proc = await server(['--framing', 'line', '--path', path]);
    expect(proc.address).toBe(path);
    expect(proc.stdout.text).toContain(`"msg":"${listeningMessage(path)}"`);
    const { stdout } = await runClient(['--path', path, '--framing', 'line'], 'over unix\n');
    expect(stdout).toBe('over unix\n');
  });

  it('removes a stale socket file left by a dead process', async () => {
    const path = join(tempDir(), 'stale.sock');
    const dead = spawn(process.execPath, [
      '-e',
      "require('net').createServer().listen(process.argv[1], () => console.log('up'))",
      path,
    ]);
    teardown.add(dead, () => dead.kill('SIGKILL'));
    await new LineCollector(dead.stdout).waitFor('up');
    dead.kill('SIGKILL');
    await new Promise((resolve) => dead.once('exit', resolve));
    expect(existsSync(path)).toBe(true);
    const proc = await server(['--path', path]);
    await proc.stdout.waitFor('stale socket file');
    const c = await RawClient.connect({ path });
    teardown.add(c, () => c.destroy());
    await c.waitForText(ECHO_GREETING);
  });

  it('refuses a path a live server listens on: exit 1 with one line', async () => {
    const path = join(tempDir(), 'live.sock');
    await server(['--path', path]);
    const { code, stderr } = await execMain(MAIN, ['--path', path]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(path)]);
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM half-closes open connections after their last echo, then exits 0', async () => {
    const proc = await server(['--framing', 'length']);
    const c = await RawClient.connect({ port: proc.port });
    teardown.add(c, () => c.destroy());
    const frame = encodeLengthPrefixed('in flight');
    c.write(frame);
    await c.waitForBytes(frame.length);
    expect(await proc.stop('SIGTERM')).toBe(0);
    expect(await c.waitForEnd()).toEqual(frame);
  });
});

describe('sticky-packet demo (pnpm sticky)', () => {
  it('shows the unframed data events, then 18 intact messages with each framing', async () => {
    const { code, stdout } = await execMain(MAIN, ['sticky']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^no framing +\d+ 'data' events? \[[\d, ]+ bytes\]/m);
    for (const framing of ['line', 'length', 'fixed']) {
      expect(stdout).toMatch(new RegExp(`^${framing}.*→ 18 messages, all intact$`, 'm'));
    }
  });
});
