/**
 * http-server benchmark (`pnpm --filter http-server bench`): autocannon (programmatic, pinned
 * to CPU 1) against servers in child processes pinned to CPU 0. Cases, each alternated A B A B
 * with medians and per-pair ratios (common's Bench):
 *   1. GET / on this server vs the book's bare 4-line node:http server (the ceiling);
 *   2. /static/string vs /static/buffer (ch. 6 "Buffer 与性能");
 *   3. keep-alive vs `Connection: close` (a new TCP connection per request).
 * BENCH_DURATION (seconds per run, default 2) and BENCH_RUNS (default 8) tune the length.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Bench, median, pinnedCommand, pinSelf, type CaseResult, type Metrics } from 'common/bench';
import { LineCollector } from 'common/harness';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const CONNECTIONS = 50;

interface Child {
  port: number;
  child: ChildProcess;
}

async function spawnPinned(args: string[]): Promise<Child> {
  const [cmd, ...prefix] = [...pinnedCommand(0), process.execPath];
  const child = spawn(cmd!, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = new LineCollector(child.stdout!);
  const line = await lines.waitFor(/"msg":"listening/, 20_000);
  const parsed = JSON.parse(line) as { port?: number; address?: string };
  const port = parsed.port ?? Number(/:(\d+)$/.exec(parsed.address ?? '')?.[1]);
  return { port, child };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat(5), i.e. 11 and 12 after "pid (comm) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

async function load(
  server: Child,
  path: string,
  headers: Record<string, string> = {},
): Promise<Metrics> {
  const url = `http://127.0.0.1:${server.port}${path}`;
  const cpuBefore = cpuMs(server.child.pid!);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  const cpu = cpuMs(server.child.pid!) - cpuBefore;
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

/** Notes the per-pair median ratio of server CPU per request (first contender ÷ each other). */
function noteCpu(bench: Bench, result: CaseResult): void {
  const [first, ...others] = result.contenders;
  const sa = first?.metrics['server µs/req']?.samples ?? [];
  for (const other of others) {
    const sb = other.metrics['server µs/req']?.samples ?? [];
    const ratio = median(sa.map((x, i) => x / sb[i]!));
    const line = `${result.name}: server CPU per request, ${first?.name} / ${other.name} = ${ratio.toFixed(2)}× (median of ${sa.length} pairs; lower is cheaper)`;
    process.stdout.write(`${line}\n`);
    bench.note(line);
  }
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
  const netlab = await spawnPinned([
    '--import',
    'tsx',
    here('../src/main.ts'),
    '--port',
    '0',
    '--log-level',
    'info',
    '--max-requests-per-socket',
    '0',
  ]);
  const bare = await spawnPinned([here('./hello-baseline.mjs'), '0']);
  const bareTsx = await spawnPinned(['--import', 'tsx', here('./hello-baseline.mjs'), '0']);
  try {
    noteCpu(
      bench,
      await bench.compare({
        name: 'GET / hello',
        contenders: {
          netlab: () => load(netlab, '/'),
          'bare node:http, tsx': () => load(bareTsx, '/'),
          'bare node:http, plain node': () => load(bare, '/'),
        },
        primary: 'req/s',
      }),
    );
    noteCpu(
      bench,
      await bench.compare({
        name: 'static 10 KiB',
        contenders: {
          'string body': () => load(netlab, '/static/string'),
          'Buffer body': () => load(netlab, '/static/buffer'),
        },
        primary: 'req/s',
      }),
    );
    noteCpu(
      bench,
      await bench.compare({
        name: 'GET / connection reuse',
        contenders: {
          'keep-alive': () => load(netlab, '/'),
          'Connection: close': () => load(netlab, '/', { connection: 'close' }),
        },
        primary: 'req/s',
      }),
    );
  } finally {
    netlab.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    bareTsx.child.kill('SIGTERM');
  }
  bench.finish();
}

await main();
