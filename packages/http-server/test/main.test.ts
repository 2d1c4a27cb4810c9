import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { execMain, startMain, Teardown } from 'common/harness';
import { request } from '../src/client.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

async function start(args: string[] = []): Promise<Awaited<ReturnType<typeof startMain>>> {
  const proc = await startMain(MAIN, args);
  teardown.add(proc, () => proc.stop('SIGKILL').catch(() => undefined));
  return proc;
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe('main.ts server', () => {
  it('logs the effective limits at start', async () => {
    const proc = await start(['--headers-timeout', '2000', '--max-body', '64k']);
    const line = await proc.stdout.waitFor('"msg":"limits');
    expect(JSON.parse(line).limits).toMatchObject({
      maxBody: 65_536,
      headersTimeout: 2_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
      tunnelConnectTimeout: 10_000,
      tunnelIdleTimeout: 60_000,
      proxyAllow: 'off',
    });
  });

  it('SIGTERM with 50 /slow requests in flight: all answered 200 with Connection: close, new connections refused, exit 0', async () => {
    const proc = await start(['--log-level', 'debug']);
    const base = `http://127.0.0.1:${proc.port}`;
    const inFlight = Array.from({ length: 50 }, () =>
      request(`${base}/slow?ms=1500`, { agent: false }),
    );
    let seen = 0;
    await proc.stdout.waitFor(
      (line) => line.includes('"url":"/slow?ms=1500"') && ++seen === 50,
      10_000,
    );
    for (const p of inFlight) p.catch(() => undefined); // failures are asserted below, not unhandled
    proc.child.kill('SIGTERM');
    // drain() runs after server.close(): from here on, the port refuses connections.
    await proc.stdout.waitFor('"msg":"draining');
    expect(await refused(proc.port)).toBe('ECONNREFUSED');
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
    expect(responses.every((r) => r.headers.connection === 'close')).toBe(true);
    expect(await proc.exited).toBe(0);
  });

  it('SIGTERM with an idle keep-alive client holding its socket: the socket is closed, not waited out', async () => {
    const proc = await start(['--shutdown-timeout', '60000']);
    const socket = connect(proc.port, '127.0.0.1');
    teardown.add(socket, () => socket.destroy());
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve)); // answered; socket stays open
    const serverClosedIt = new Promise((resolve) => socket.once('end', resolve));
    proc.child.kill('SIGTERM');
    await serverClosedIt; // the server ended our idle socket (we never close it ourselves)
    expect(await proc.exited).toBe(0);
    expect(proc.stdout.text).not.toMatch(/destroyed open connections/);
  });

  it.each([
    [['--max-body', 'lots'], /--max-body/],
    [['--headers-timeout', '-1'], /--headers-timeout/],
    [['--proxy-allow', 'nohost'], /--proxy-allow/],
    [['--nope'], /unknown flag --nope/],
  ])('bad flags %j exit 2 naming the flag', async (args, message) => {
    const { code, stderr } = await execMain(MAIN, args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('main.ts client', () => {
  it('prints STATUS, HEADERS and the body like the book', async () => {
    const proc = await start();
    const { code, stdout } = await execMain(MAIN, ['client', `http://127.0.0.1:${proc.port}/`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^STATUS: 200\nHEADERS: \{"content-type":"text\/plain",/);
    expect(stdout).toMatch(/\nHello World\n?$/);
  });

  it('-v prints > request, < response and * events, curl style', async () => {
    const proc = await start();
    const { stdout, stderr } = await execMain(MAIN, [
      'client',
      `http://127.0.0.1:${proc.port}/echo`,
      '-v',
      '-d',
      'hi',
      '--expect-continue',
    ]);
    expect(stderr).toMatch(/^> POST \/echo HTTP\/1\.1$/m);
    expect(stderr).toMatch(/^> Expect: 100-continue$/m);
    expect(stderr).toMatch(/^\* continue: /m);
    expect(stderr).toMatch(/^< HTTP\/1\.1 200 OK$/m);
    expect(stdout).toBe('hi');
  });

  it('load mode prints the Agent pool while running and the maxSockets history', async () => {
    const proc = await start();
    const { code, stdout } = await execMain(MAIN, [
      'client',
      `http://127.0.0.1:${proc.port}/slow?ms=20`,
      '--concurrency',
      '10',
      '--requests',
      '40',
      '--max-sockets',
      '5',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /maxSockets: 5 .*the book's Node defaulted maxSockets to 5; modern Node's default is Infinity/,
    );
    expect(stdout).toMatch(/^pool 127\.0\.0\.1:\d+: sockets=5 requests=\d+ freeSockets=\d+$/m);
    expect(stdout).toMatch(/done: 40\/40 ok, 0 failed .* peak sockets=5/);
  });

  it('--connect-to shows the connect event; --upgrade shows a refused upgrade', async () => {
    const proc = await start(['--proxy-allow', '127.0.0.1:1']);
    const url = `http://127.0.0.1:${proc.port}/`;
    const denied = await execMain(MAIN, ['client', url, '-v', '--connect-to', '127.0.0.1:2']);
    expect(denied.stderr).toMatch(/^\* connect: 403$/m);
    expect(denied.stdout).toMatch(/CONNECT 127\.0\.0\.1:2: 403/);
    const upgrade = await execMain(MAIN, [
      'client',
      url,
      '-v',
      '--upgrade',
      'websocket',
      '--no-agent',
    ]);
    expect(upgrade.stderr).toMatch(/^> Upgrade: websocket$/m);
    expect(upgrade.stderr).toMatch(/^\* response: 400$/m);
    expect(upgrade.stdout).toMatch(/ws-server/);
  });

  it.each([
    [[]],
    [['http://x', 'http://y']],
    [['ftp://x/']],
    [['http://x/', '--max-sockets', '0']],
  ])('bad client arguments %j exit 2', async (args) => {
    const { code } = await execMain(MAIN, ['client', ...args]);
    expect(code).toBe(2);
  });
});

const execFileP = promisify(execFile);

async function curl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileP('curl', args, { timeout: 10_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new Error('curl not found: apt-get install -y curl');
    throw err;
  }
}

describe('with real curl (the README commands)', () => {
  it('curl -v shows the request and response messages', async () => {
    const proc = await start();
    const { stdout, stderr } = await curl(['-sv', `http://127.0.0.1:${proc.port}/`]);
    expect(stderr).toMatch(/^> GET \/ HTTP\/1\.1\r?$/m);
    expect(stderr).toMatch(/^< HTTP\/1\.1 200 OK\r?$/m);
    expect(stderr).toMatch(/^< Keep-Alive: timeout=5, max=1000\r?$/m);
    expect(stdout).toBe('Hello World\n');
  });

  it('curl --data-binary to /echo, and a body over --max-body (curl sends Expect) gets 417', async () => {
    const proc = await start(['--max-body', '1k']);
    const ok = await curl([
      '-s',
      '--data-binary',
      'hello',
      '-H',
      'Content-Type: text/plain',
      `http://127.0.0.1:${proc.port}/echo`,
    ]);
    expect(ok.stdout).toBe('hello');
    const big = await curl([
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Expect: 100-continue',
      '--data-binary',
      'x'.repeat(2048),
      `http://127.0.0.1:${proc.port}/echo`,
    ]);
    expect(big.stdout).toBe('417');
  });

  it('curl through the CONNECT proxy (-p -x) to an allowed target, 403 otherwise', async () => {
    const target = await start();
    const proxy = await start(['--proxy-allow', `127.0.0.1:${target.port}`]);
    const ok = await curl([
      '-s',
      '-p',
      '-x',
      `http://127.0.0.1:${proxy.port}`,
      `http://127.0.0.1:${target.port}/`,
    ]);
    expect(ok.stdout).toBe('Hello World\n');
    const denied = await curl([
      '-sv',
      '-p',
      '-x',
      `http://127.0.0.1:${proxy.port}`,
      'http://127.0.0.1:9/',
    ]).catch((err: { stderr: string }) => err);
    expect(denied.stderr).toMatch(/< HTTP\/1\.1 403 Forbidden/);
  });
});
