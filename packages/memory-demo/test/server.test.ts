import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeServer } from 'common';
import { startMain, startServer, Teardown } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryServer, type MemoryServerOptions } from '../src/server.ts';
import { readHeapSnapshot } from '../src/snapshot-file.ts';
import type { MetricsReport } from '../src/metrics.ts';
import { curl, http } from './fixtures/http.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

async function serve(options: Partial<MemoryServerOptions> = {}) {
  const app = createMemoryServer({ snapshotDir: join(tmpdir(), 'memory-demo-unused'), ...options });
  const s = teardown.add(await startServer(app), (x) => x.close());
  return { app, url: (path: string) => s.url('http', path) };
}

const metrics = async (url: (p: string) => string): Promise<MetricsReport> =>
  JSON.parse(
    (await http(url('/metrics'), { headers: { Accept: 'application/json' } })).body,
  ) as MetricsReport;

describe('memory server', () => {
  it('/leak keeps every key; a repeated key is a hit', async () => {
    const { url } = await serve({ responseSize: 1024 });
    expect((await http(url('/leak?key=a'))).headers['x-cache']).toBe('miss');
    const hit = await http(url('/leak?key=a'));
    expect(hit).toMatchObject({
      status: 200,
      headers: { 'x-cache': 'hit', 'content-length': '1024' },
    });
    for (let i = 0; i < 20; i += 1) await http(url(`/leak?key=${i}`));
    expect((await metrics(url)).caches.leak).toEqual({
      kind: 'unbounded',
      entries: 21,
      bytes: 21 * 1024,
      evictions: 0,
    });
  });

  it('/fixed stays within its LRU bounds', async () => {
    const { url } = await serve({ cacheMaxEntries: 3 });
    for (let i = 0; i < 10; i += 1) await http(url(`/fixed?key=${i}`));
    expect((await metrics(url)).caches.fixed).toMatchObject({
      kind: 'lru',
      entries: 3,
      evictions: 7,
    });
  });

  it('/leak stops at its safety cap with 507', async () => {
    const { url } = await serve({ responseSize: 512 * 1024, leakCap: 1024 * 1024 });
    expect((await http(url('/leak?key=1'))).status).toBe(200);
    expect((await http(url('/leak?key=2'))).status).toBe(200);
    const capped = await http(url('/leak?key=3'));
    expect(capped.status).toBe(507);
    expect(JSON.parse(capped.body)).toMatchObject({ leakCap: 1024 * 1024 });
  });

  it('/metrics speaks Prometheus text (curl) and JSON, with the RSS − heap gap', async () => {
    const { url } = await serve();
    await http(url('/leak?key=x'));
    const text = await curl([url('/metrics')]);
    expect(text).toContain('memory_demo_cache_entries{cache="leak"} 1');
    expect(text).toContain('memory_demo_cache_entries{cache="fixed"} 0');
    expect(text).toMatch(/^memory_demo_rss_minus_heap_bytes \d+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+$/m);
    const json = JSON.parse(await curl([`${url('/metrics')}?format=json`])) as MetricsReport;
    expect(Object.keys(json.memory).sort()).toEqual([
      'arrayBuffers',
      'external',
      'heapTotal',
      'heapUsed',
      'rss',
      'rssMinusHeap',
    ]);
    expect(json.memory.rssMinusHeap).toBe(json.memory.rss - json.memory.heapTotal);
  });

  it('refuses request bodies (413, Connection: close), unknown routes and wrong methods', async () => {
    const { url } = await serve();
    const withBody = await http(url('/leak?key=1'), { method: 'POST', body: 'x' });
    expect(withBody).toMatchObject({ status: 413, headers: { connection: 'close' } });
    expect((await http(url('/nope'))).status).toBe(404);
    const wrong = await http(url('/snapshot'));
    expect(wrong).toMatchObject({ status: 405, headers: { allow: 'POST' } });
    expect((await http(url('/leak'), { method: 'DELETE' })).status).toBe(405);
  });

  it('validates its limits with Node-style codes', () => {
    expect(() => createMemoryServer({ snapshotDir: tmpdir(), cacheMaxEntries: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });

  it('drain closes idle keep-alive connections (common closeIdleHttpConnections)', async () => {
    const { app, url } = await serve();
    const agent = teardown.add(new Agent({ keepAlive: true, maxSockets: 1 }), (a) => a.destroy());
    await http(url('/'), { agent });
    expect(app.connections.size).toBe(1);
    const closed = closeServer(app.server);
    await app.drain(AbortSignal.timeout(5_000));
    await closed;
    expect(app.connections.size).toBe(0);
  });
});

describe('memory server as a process', () => {
  it('writes heap snapshots on POST /snapshot and SIGUSR2, keeping at most --max-snapshots', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'memory-demo-snapshots-test-'));
    teardown.add(dir, (d) => rm(d, { recursive: true, force: true }));
    const server = await startMain(
      MAIN,
      ['server', '--snapshot-dir', dir, '--max-snapshots', '2'],
      { timeoutMs: 30_000 },
    );
    teardown.add(server, (s) => s.stop('SIGKILL'));
    const base = `http://127.0.0.1:${server.port}`;
    const first = JSON.parse(await curl(['-X', 'POST', `${base}/snapshot`])) as {
      path: string;
      bytes: number;
    };
    expect(first.path.startsWith(dir)).toBe(true);
    expect(first.bytes).toBeGreaterThan(0);
    await curl(['-X', 'POST', `${base}/snapshot`]);
    server.child.kill('SIGUSR2');
    await server.stdout.waitFor(
      (l) => l.includes('"removed":["') && l.includes('heap snapshot written'),
      30_000,
    );
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files).not.toContain(first.path.slice(dir.length + 1));
    // What DevTools loads, our parser reads too.
    const snapshot = await readHeapSnapshot(join(dir, files[1]!), { maxBytes: 512 * 1024 * 1024 });
    expect(snapshot.nodeCount).toBeGreaterThan(1000);
    expect(await server.stop('SIGTERM', 15_000)).toBe(0);
  });
});
