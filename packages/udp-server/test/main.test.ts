import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execMain, LineCollector, startMain, Teardown } from 'common/harness';
import type { MeasurementResult } from '../src/client.ts';
import { ipv6Unavailable, UdpPeer } from './peer.ts';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');
const teardown = new Teardown();
afterEach(() => teardown.run());

async function server(args: string[] = []) {
  const proc = await startMain(MAIN, args);
  return teardown.add(proc, () => proc.stop('SIGKILL'));
}

const client = (args: string[]) => execMain(MAIN, ['client', ...args]);

async function deadPort(): Promise<number> {
  const p = await UdpPeer.bind();
  const port = p.port;
  p.close();
  return port;
}

const IPV6 = await ipv6Unavailable();
if (IPV6 !== undefined) console.warn(`udp-server tests: skipping a test: ${IPV6}`);

/** OpenBSD netcat (`nc -u`), the README's client; fails the test with an install hint. */
function requireNc(): void {
  const probe = spawnSync('nc', ['-h'], { encoding: 'utf8' });
  const text = `${probe.stdout ?? ''}${probe.stderr ?? ''}`;
  if (probe.error !== undefined || !text.includes('OpenBSD netcat'))
    throw new Error('this test needs OpenBSD netcat (`nc -u`): apt-get install -y netcat-openbsd');
}

describe('a real peer: nc -u', () => {
  it('echoes what nc sends, line by line', async () => {
    requireNc();
    const srv = await server();
    const nc = spawn('nc', ['-u', '127.0.0.1', String(srv.port)], { stdio: 'pipe' });
    teardown.add(nc, (c) => c.kill('SIGKILL'));
    const out = new LineCollector(nc.stdout);
    nc.stdin.write('hello\n');
    expect(await out.waitFor('hello')).toBe('hello');
    nc.stdin.write('second datagram\n');
    expect(await out.waitFor('second datagram')).toBe('second datagram');
  });

  it('--mode log prints the book\'s "server got: … from addr:port" and replies nothing', async () => {
    requireNc();
    const srv = await server(['--mode', 'log']);
    const nc = spawn('nc', ['-u', '127.0.0.1', String(srv.port)], { stdio: 'pipe' });
    teardown.add(nc, (c) => c.kill('SIGKILL'));
    nc.stdin.write('hello\n');
    const line = JSON.parse(await srv.stdout.waitFor('server got:'));
    expect(line.msg).toMatch(/^server got: "hello\\n" from 127\.0\.0\.1:\d+$/);
  });
});

describe('server CLI', () => {
  it('logs its counters on SIGUSR2 and at a graceful SIGTERM shutdown', async () => {
    const srv = await server();
    const r = await client(['--port', String(srv.port), 'ping']);
    expect(r.code).toBe(0);
    srv.child.kill('SIGUSR2');
    const usr2 = JSON.parse(await srv.stdout.waitFor('"reason":"SIGUSR2"'));
    expect(usr2).toMatchObject({ msg: 'counters', received: 1, sent: 1, bytesSent: 4 });
    expect(await srv.stop('SIGTERM')).toBe(0);
    expect(srv.stdout.text).toContain('"reason":"shutdown"');
    expect(srv.stdout.text).toContain("socket 'close'");
  });

  it('--rate/--burst: the excess from one source is dropped and counted', async () => {
    const srv = await server(['--rate', '1', '--burst', '2']);
    const r = await client(['--port', String(srv.port), '--count', '5', '--timeout', '100']);
    const result = (r.stdout.match(/received\s+(\d+)/) ?? [])[1];
    expect(Number(result)).toBeLessThanOrEqual(3); // 2 + at most one token back meanwhile
    srv.child.kill('SIGUSR2');
    const counters = JSON.parse(await srv.stdout.waitFor('"reason":"SIGUSR2"'));
    expect(counters.droppedRateLimit).toBeGreaterThanOrEqual(2);
    expect(counters).toMatchObject({ received: 5, limiter: { tracked: 1 } });
  });

  it.skipIf(IPV6 !== undefined)(
    '--type udp6 binds :: by default; the client reaches it over ::1',
    async () => {
      const srv = await server(['--type', 'udp6']);
      expect(srv.address).toMatch(/^\[::\]:\d+$/);
      const r = await client(['--host', '::1', '--port', String(srv.port), 'six']);
      expect(r).toMatchObject({ code: 0, stdout: 'six' });
      expect(r.stderr).toMatch(new RegExp(`from \\[::1\\]:${srv.port} in`));
    },
  );
});

describe('bad flags', () => {
  // Each case is a process start (~0.5 s of tsx): run them side by side.
  it.concurrent.for([
    [['--type', 'udp5'], '--type'],
    [['--mode', 'chat'], '--mode'],
    [['--rate', '0'], '--rate'],
    [['--burst', '3'], '--burst'],
    [['--max-sources', 'many'], '--max-sources'],
    [['--recv-buffer', '1'], '--recv-buffer'],
    [['--ipv6-only'], '--ipv6-only'],
    [['--host', '::1'], '--host'],
    [['--type', 'udp6', '--host', '127.0.0.1'], '--host'],
    [['--port', '70000'], '--port'],
    [['--bogus'], '--bogus'],
    [['client', '--size', '65508', '--count', '1'], '--size'],
    [['client', '--size', '19', '--count', '1'], '--size'],
    [['client', '--window', '0', '--count', '1'], '--window'],
    [['client', '--count', '0'], '--count'],
    [['client', '--timeout', '0', 'x'], '--timeout'],
    [['client', '--size', '100', 'x'], '--size'],
    [['client', '--retries', '1', '--count', '5'], '--retries'],
    [['client'], 'MESSAGE'],
    [['client', '--count', '5', 'stray'], 'stray'],
  ] as [string[], string][])(
    '%j exits 2 naming %s on one line',
    async ([args, flag], { expect }) => {
      const r = await execMain(MAIN, args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(flag);
    },
  );
});

describe('client CLI', () => {
  it('one-shot: prints the echo on stdout and the round trip on stderr', async () => {
    const srv = await server();
    const r = await client(['--port', String(srv.port), 'hello']);
    expect(r).toMatchObject({ code: 0, stdout: 'hello' });
    expect(r.stderr).toMatch(
      new RegExp(`^5 bytes from 127\\.0\\.0\\.1:${srv.port} in \\d+\\.\\d{3} ms \\(attempt 1\\)$`),
    );
  });

  it('one-shot: no reply → exit 1 and one clear line', async () => {
    const port = await deadPort();
    const r = await client(['--port', String(port), '--timeout', '50', '--retries', '1', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `udp-server client: no reply from 127.0.0.1:${port} after 2 attempts × 50 ms (UDP does not say why: no server on that port, a firewall, or a lost datagram)`,
    );
  });

  it('measurement: a table', async () => {
    const srv = await server();
    const r = await client(['--port', String(srv.port), '--count', '300', '--window', '8']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`300 × 64 B to 127.0.0.1:${srv.port}, window 8, timeout 1000 ms`);
    expect(r.stdout).toMatch(/^ {2}lost {8}0 \(0\.00 %\)$/m);
    expect(r.stdout).toMatch(
      /^ {2}rtt ms {6}min [\d.]+ {2}p50 [\d.]+ {2}p90 [\d.]+ {2}p99 [\d.]+ {2}max [\d.]+$/m,
    );
  });

  it('measurement: --json, one object with the documented fields', async () => {
    const srv = await server();
    const r = await client([
      '--port',
      String(srv.port),
      '--count',
      '200',
      '--size',
      '1200',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as MeasurementResult;
    expect(Object.keys(result).sort()).toEqual(
      [
        'sent',
        'received',
        'lost',
        'lossPercent',
        'duplicated',
        'reordered',
        'late',
        'invalid',
        'inFlight',
        'rttMs',
        'jitterMs',
        'target',
        'size',
        'window',
        'timeoutMs',
        'durationMs',
        'datagramsPerSecond',
        'errors',
        'lastError',
        'stopped',
      ].sort(),
    );
    expect(result).toMatchObject({ sent: 200, received: 200, lost: 0, size: 1200, window: 32 });
    expect(Object.keys(result.rttMs!)).toEqual(['min', 'mean', 'p50', 'p90', 'p99', 'max']);
  });

  it('measurement: nobody listening → stops on port unreachable, exit 1', async () => {
    const port = await deadPort();
    const r = await client(['--port', String(port), '--count', '100', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ received: 0, stopped: 'port-unreachable' });
    expect(r.stderr).toContain('port unreachable (ICMP): is the server running?');
  });
});
