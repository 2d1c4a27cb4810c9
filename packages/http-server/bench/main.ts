/**
 * http-server benchmark (`pnpm --filter http-server bench`): autocannon (programmatic, pinned
 * to CPU 1) against servers in child processes pinned to CPU 0. Cases, each alternated A B A B
 * with medians and per-pair ratios (common's Bench):
 *   1. GET / on this server vs the book's bare 4-line node:http server (the ceiling);
 *   2. /static/string vs /static/buffer (ch. 6 "Buffer 与性能");
 *   3. keep-alive vs `Connection: close` (a new TCP connection per request).
 * BENCH_DURATION (seconds per run, default 2) and BENCH_RUNS (default 8) tune the length.
 */
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Bench, pinnedCommand, pinSelf, processCpuMs, type Metrics } from 'common/bench';
import { startMain, type ListeningMain } from 'common/harness';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const CONNECTIONS = 50;

type Server = ListeningMain;

/** Starts a server script pinned to CPU 0 and waits for its `listening` line. */
function startPinned(script: string, args: string[], tsx = true): Promise<Server> {
  return startMain(script, args, { prefix: pinnedCommand(0), tsx, timeoutMs: 20_000 });
}

async function load(
  server: Server,
  path: string,
  headers: Record<string, string> = {},
): Promise<Metrics> {
  const url = `http://127.0.0.1:${server.port}${path}`;
  const cpuBefore = processCpuMs(server.child.pid!);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  const cpu = processCpuMs(server.child.pid!) - cpuBefore;
  if (result.errors > 0 || result.non2xx > 0) {
    process.stderr.write(`warning: ${url}: ${result.errors} errors, ${result.non2xx} non-2xx\n`);
  }
  return {
    'req/s': result.requests.average,
    'MiB/s': result.throughput.average / 1024 ** 2,
    'p99 ms': result.latency.p99,
    // Server CPU per request: robust against a busy machine, where req/s mostly measures
    // how much CPU the load generator got.
    'server µs/req': (cpu * 1000) / Math.max(1, result.requests.total),
  };
}

async function main(): Promise<void> {
  const pinned = pinSelf(1);
  const bench = new Bench({
    package: 'http-server',
    title: 'http-server (§7.3)',
    runs: RUNS,
    warmup: 1,
  });
  bench.note(
    `autocannon ${CONNECTIONS} connections, ${DURATION} s per run${pinned ? ', load on CPU 1, servers on CPU 0' : ''}; ` +
      'netlab server at --log-level info (no per-request logging), default limits except ' +
      '--max-requests-per-socket 0: autocannon ignores `Connection: close` and would count the 503s Node sends ' +
      'for requests past the limit. netlab runs under tsx (as `pnpm start` does); the bare server runs both under tsx ' +
      '(same runtime: isolates our code) and on plain node (what tsx itself costs).',
  );
  const netlab = await startPinned(here('../src/main.ts'), [
    '--log-level',
    'info',
    '--max-requests-per-socket',
    '0',
  ]);
  const bare = await startPinned(here('./hello-baseline.mjs'), [], false);
  const bareTsx = await startPinned(here('./hello-baseline.mjs'), []);
  try {
    await bench.compare({
      name: 'GET / hello',
      contenders: {
        netlab: () => load(netlab, '/'),
        'bare node:http, tsx': () => load(bareTsx, '/'),
        'bare node:http, plain node': () => load(bare, '/'),
      },
      primary: 'req/s',
      ratioMetrics: ['server µs/req'],
    });
    await bench.compare({
      name: 'static 10 KiB',
      contenders: {
        'string body': () => load(netlab, '/static/string'),
        'Buffer body': () => load(netlab, '/static/buffer'),
      },
      primary: 'req/s',
      ratioMetrics: ['server µs/req'],
    });
    await bench.compare({
      name: 'GET / connection reuse',
      contenders: {
        'keep-alive': () => load(netlab, '/'),
        'Connection: close': () => load(netlab, '/', { connection: 'close' }),
      },
      primary: 'req/s',
      ratioMetrics: ['server µs/req'],
    });
  } finally {
    await Promise.all([netlab, bare, bareTsx].map((server) => server.stop('SIGTERM')));
  }
  bench.finish();
}

await main();
