import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listen, closeServer } from 'common';
import { execMain, spawnMain, startMain, Teardown, withTimeout } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadReport } from '../src/load.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-demo-main-test-'));
  return teardown.add(dir, (d) => rm(d, { recursive: true, force: true }));
}

describe('memory-demo CLI', () => {
  it('lists the demos when given no argument', async () => {
    const r = await execMain(MAIN, []);
    expect(r.code).toBe(0);
    for (const demo of [
      'usage',
      'limit',
      'gc',
      'scope',
      'leak',
      'stream',
      'server',
      'load',
      'diff',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^${demo}\\s+§`, 'm'));
    }
  });

  it.each([
    [['nope'], "unknown demo 'nope'"],
    [['leak', '--bogus'], 'unknown flag --bogus'],
    [['leak', '--iterations', '5'], '--iterations must be between 30 and 1000 (got 5)'],
    [
      ['leak', '--case', 'everything'],
      "--case must be one of module-array, unbounded-cache, slow-queue (got 'everything')",
    ],
    [
      ['stream', '--file-size', '16m', '--heap-limit', '32m'],
      '--file-size must be larger than --heap-limit',
    ],
    [['limit', '--heap-limit', 'lots'], '--heap-limit must be a size'],
    [['server', '--max-snapshots', '0'], '--max-snapshots must be between 1 and 50 (got 0)'],
    [['server', '--cache', 'memcached'], "--cache must be one of lru, redis (got 'memcached')"],
    [['server', '--redis', 'redis://127.0.0.1:6379'], '--redis needs --cache redis'],
    [['load', '--url', 'ftp://x'], '--url must be http://host:port'],
    [['diff', 'a.heapsnapshot'], 'diff takes three snapshot files'],
  ])('%j exits 2 naming the problem', async (args, message) => {
    const r = await execMain(MAIN, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`memory-demo: ${message}`);
  });

  it('prints a demo as one JSON object with --json, and writes its chart with --out', async () => {
    const out = await tempDir();
    const r = await execMain(MAIN, ['scope', '--json', '--size', '4m', '--out', out], {
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { demo: string; steps: unknown[] };
    expect(report.demo).toBe('scope');
    expect(report.steps).toHaveLength(10);
    expect(r.stderr).toContain(`chart: ${join(out, 'scope.svg')}`);
    expect((await readFile(join(out, 'scope.svg'), 'utf8')).startsWith('<svg')).toBe(true);
  });

  it('Ctrl-C kills the experiment, removes its temporary files and exits 130', async () => {
    const tmp = await tempDir();
    // tsx keeps a cache in TMPDIR too: wait for the demo's own directory.
    const ours = (name: string | null): boolean => name?.startsWith('memory-demo-') === true;
    const appeared = new Promise<void>((resolve) => {
      const watcher = watch(tmp, (_event, name) => {
        if (!ours(name)) return;
        watcher.close();
        resolve();
      });
    });
    const proc = spawnMain(MAIN, ['stream', '--file-size', '2g', '--heap-limit', '32m'], {
      env: { TMPDIR: tmp },
    });
    teardown.add(proc, (p) => p.stop('SIGKILL'));
    await withTimeout(appeared, 30_000, 'the demo to create its temporary directory');
    proc.child.kill('SIGINT');
    expect(await withTimeout(proc.exited, 30_000, 'the demo to exit after SIGINT')).toBe(130);
    expect(proc.stderr.text).toContain('interrupted');
    expect((await readdir(tmp)).filter(ours)).toEqual([]);
  });

  it('load drives a running server: the leak cache grows, the LRU stays at its bound', async () => {
    const server = await startMain(MAIN, ['server', '--cache-max-entries', '5'], {
      timeoutMs: 30_000,
    });
    teardown.add(server, (s) => s.stop('SIGKILL'));
    const r = await execMain(
      MAIN,
      [
        'load',
        '--url',
        `http://127.0.0.1:${server.port}`,
        '--requests',
        '200',
        '--concurrency',
        '4',
        '--poll-interval',
        '100',
        '--json',
      ],
      { timeoutMs: 60_000 },
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as LoadReport;
    expect(report.requests).toEqual({ leak: 100, fixed: 100 });
    expect(report.statuses).toEqual({ 200: 200 });
    const last = report.samples.at(-1)!.metrics.caches;
    expect(last.leak.entries).toBe(100);
    expect(last.fixed).toMatchObject({ entries: 5, evictions: 95 });
    expect(await server.stop('SIGTERM', 15_000)).toBe(0);
  });

  it('load names the address when no server listens (exit 1)', async () => {
    const probe = createServer();
    await listen(probe, { host: '127.0.0.1', port: 0 });
    const { port } = probe.address() as { port: number };
    await closeServer(probe);
    const r = await execMain(MAIN, [
      'load',
      '--url',
      `http://127.0.0.1:${port}`,
      '--duration',
      '1000',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot connect to 127.0.0.1:${port}`);
  });
});
