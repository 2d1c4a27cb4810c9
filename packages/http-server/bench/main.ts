/**
 * http-server benchmark (`pnpm --filter http-server bench`): servers in child processes pinned
 * to CPU 0, load on CPU 1 (autocannon in this process, wrk and ab as pinned children; see
 * load.ts). Cases, each alternated A B C D A B C D … with medians and per-pair ratios
 * (common's Bench):
 *   1. `GET /` against the bare node:http server (the ceiling; under tsx, like netlab, and on
 *      plain node) and fastify 5, by autocannon and by wrk, keep-alive;
 *   2. the same four, one TCP connection per request (ab, HTTP/1.0);
 *   3. /static/string vs /static/buffer (ch. 6 "Buffer 与性能");
 *   4. keep-alive vs `Connection: close`.
 * BENCH_DURATION (seconds per run, default 2), BENCH_RUNS (default 7) and
 * BENCH_ONLY=autocannon|wrk|ab|static|reuse tune it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench, pinnedCommand, pinSelf, type Metrics } from 'common/bench';
import { startMain, type ListeningMain } from 'common/harness';
import { abLoad, autocannonLoad, wrkLoad, type LoadSpec } from './load.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ONLY = process.env.BENCH_ONLY;
const AUTOCANNON_CONNECTIONS = 50;
const WRK_CONNECTIONS = 100;
const AB_CONCURRENCY = 200;

/** Exits with how to install a missing load generator (Debian package names). */
function requireTool(tool: string, debianPackage: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    process.stderr.write(`${tool} not found: apt-get install -y ${debianPackage}\n`);
    process.exit(1);
  }
}

/**
 * Whether fastify (a devDependency of this package, not carried by `pnpm starter`: see
 * fastify-hello.mjs) can be imported; without it the fastify contender is left out, saying so.
 */
function fastifyInstalled(): boolean {
  try {
    import.meta.resolve('fastify');
    return true;
  } catch {
    process.stderr.write(
      'fastify not installed: the fastify contender is left out (on Node 20: npm i -D fastify@5.12.8 light-my-request@6.6.0)\n',
    );
    return false;
  }
}

/** Starts a server script pinned to CPU 0 and waits for its `listening` line. */
function startPinned(script: string, args: string[], tsx = true): Promise<ListeningMain> {
  return startMain(script, args, { prefix: pinnedCommand(0), tsx, timeoutMs: 30_000 });
}

const selected = (name: string): boolean => ONLY === undefined || ONLY === name;
requireTool('wrk', 'wrk');
requireTool('ab', 'apache2-utils');

const pinned = pinSelf(1);
const bench = new Bench({
  package: 'http-server',
  title: 'http-server (§7.3)',
  runs: RUNS,
  warmup: 1,
});
bench.note(
  `${DURATION} s per run${pinned ? '; servers on CPU 0, load generators on CPU 1' : ''}. netlab at ` +
    '--log-level info (no line per request) with default limits except --max-requests-per-socket 0 ' +
    '(autocannon and wrk ignore `Connection: close` and would count the 503s Node sends past the limit; ' +
    'the bare server and fastify have no such limit). netlab runs under tsx, as `pnpm start` does; the bare ' +
    'server (writeHead with Content-Type and Content-Length, end) runs under tsx (same runtime: isolates our ' +
    'code) and on plain node; fastify 5.12 (defaults, no logger) on plain node.',
);
bench.note(
  `Load: autocannon 9 (${AUTOCANNON_CONNECTIONS} connections, in the bench process), wrk 4.1 ` +
    `(-t1 -c${WRK_CONNECTIONS}), ab (-c${AB_CONCURRENCY}, HTTP/1.0, no -k: a TCP connection per request). ` +
    '`server µs/req` is the server process CPU time per request, from /proc.',
);

const servers = {
  netlab: await startPinned(here('../src/main.ts'), [
    '--log-level',
    'info',
    '--max-requests-per-socket',
    '0',
  ]),
  bareTsx: await startPinned(here('./hello-baseline.mjs'), []),
  bare: await startPinned(here('./hello-baseline.mjs'), [], false),
  fastify: fastifyInstalled()
    ? await startPinned(here('./fastify-hello.mjs'), [], false)
    : undefined,
};
const spec = (server: ListeningMain, path = '/'): LoadSpec => ({
  server,
  path,
  durationS: DURATION,
});

/** The `GET /` contenders (fastify when installed) under one load generator. */
function helloContenders(
  load: (s: LoadSpec) => Promise<Metrics>,
): Record<string, () => Promise<Metrics>> {
  const fastify = servers.fastify;
  return {
    netlab: () => load(spec(servers.netlab)),
    'bare node:http, tsx': () => load(spec(servers.bareTsx)),
    'bare node:http, plain node': () => load(spec(servers.bare)),
    ...(fastify === undefined ? {} : { 'fastify 5': () => load(spec(fastify)) }),
  };
}

try {
  if (selected('autocannon')) {
    await bench.compare({
      name: `GET / keep-alive, autocannon -c${AUTOCANNON_CONNECTIONS}`,
      contenders: helloContenders((s) => autocannonLoad(s, AUTOCANNON_CONNECTIONS)),
      primary: 'req/s',
      ratioMetrics: ['server µs/req'],
    });
  }
  if (selected('wrk')) {
    await bench.compare({
      name: `GET / keep-alive, wrk -t1 -c${WRK_CONNECTIONS}`,
      contenders: helloContenders((s) => wrkLoad(s, WRK_CONNECTIONS)),
      primary: 'req/s',
      ratioMetrics: ['server µs/req'],
    });
  }
  if (selected('ab')) {
    await bench.compare({
      name: `GET / connection per request, ab -c${AB_CONCURRENCY} (HTTP/1.0)`,
      contenders: helloContenders((s) => abLoad(s, AB_CONCURRENCY)),
      primary: 'req/s',
      ratioMetrics: ['server µs/req'],
    });
  }
  if (selected('static')) {
    await bench.compare({
      name: 'static 10 KiB',
      contenders: {
        'string body': () =>
          autocannonLoad(spec(servers.netlab, '/static/string'), AUTOCANNON_CONNECTIONS),
        'Buffer body': () =>
          autocannonLoad(spec(servers.netlab, '/static/buffer'), AUTOCANNON_CONNECTIONS),
      },
      primary: 'req/s',
      ratioMetrics: ['server µs/req'],
    });
  }
  if (selected('reuse')) {
    await bench.compare({
      name: 'GET / connection reuse',
      contenders: {
        'keep-alive': () => autocannonLoad(spec(servers.netlab), AUTOCANNON_CONNECTIONS),
        'Connection: close': () =>
          autocannonLoad(spec(servers.netlab), AUTOCANNON_CONNECTIONS, { connection: 'close' }),
      },
      primary: 'req/s',
      ratioMetrics: ['server µs/req'],
    });
  }
} finally {
  await Promise.all(Object.values(servers).map((server) => server?.stop('SIGTERM')));
}
bench.finish();
