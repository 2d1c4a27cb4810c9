/**
 * `pnpm --filter https-server bench`: what TLS costs and what HTTP/2 buys, in one run.
 *  1. `GET /`, keep-alive, 50 requests in flight: HTTPS/1.1 (autocannon, 50 connections) vs
 *     HTTP/2 (h2load, 5 connections × 10 streams) vs plain HTTP/1.1 on http-server (autocannon);
 *     requests/s and the server's CPU per request.
 *  2. New connections/s, each a full TLS 1.3 handshake plus one request: an ECDSA P-256 vs an
 *     RSA-2048 server certificate.
 * Servers run as children pinned to CPU 0, the load on CPU 1 (common's Bench: contenders
 * alternated, medians, per-pair ratios). BENCH_RUNS (default 5) and BENCH_DURATION (seconds
 * per run, default 2) tune the length.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCa, ensureDevCerts, issueCertificate } from 'certs';
import { Bench, httpLoad, pinnedCommand, pinSelf, processCpuMs, type Metrics } from 'common/bench';
import { startMain, type ListeningMain } from 'common/harness';
import { h2load, handshakeRate, hasH2load, nodeH2Load, type LoadRun } from './load.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SECONDS = Number(process.env.BENCH_DURATION ?? 2);
const IN_FLIGHT = 50;
const H2 = { clients: 5, streams: 10 };
const HANDSHAKE_CONCURRENCY = 8;

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const pinned = pinSelf(1);
const useH2load = hasH2load();

/** A server's `main.ts`, pinned to CPU 0, with no per-socket request limit (load tools ignore `Connection: close`). */
function start(main: string, args: string[] = []): Promise<ListeningMain> {
  return startMain(main, ['--max-requests-per-socket', '0', ...args], {
    prefix: pinnedCommand(0),
    timeoutMs: 30_000,
  });
}

/** Adds the server's CPU time per operation (µs, from /proc) to a run's figures. */
async function withServerCpu(
  server: ListeningMain,
  unit: string,
  load: () => Promise<LoadRun>,
): Promise<Metrics> {
  const before = processCpuMs(server.child.pid!);
  const client = process.cpuUsage();
  const { metrics, ops } = await load();
  const cpu = processCpuMs(server.child.pid!) - before;
  const used = process.cpuUsage(client);
  return {
    ...metrics,
    [`server µs/${unit}`]: (cpu * 1000) / Math.max(1, ops),
    ...(unit === 'connection'
      ? { 'client µs/connection': (used.user + used.system) / Math.max(1, ops) }
      : {}),
  };
}

async function autocannon(server: ListeningMain, scheme: 'http' | 'https'): Promise<Metrics> {
  const r = await httpLoad({
    url: `${scheme}://127.0.0.1:${server.port}/`,
    connections: IN_FLIGHT,
    durationMs: SECONDS * 1000,
    serverCpuMs: () => processCpuMs(server.child.pid!),
  });
  if (r.errors > 0) process.stderr.write(`warning: ${scheme}: ${r.errors} errors\n`);
  // No p99: h2load does not report percentiles, and the table compares like with like.
  return { 'req/s': r.reqPerSecond, 'server µs/req': r.serverUsPerRequest };
}

const devCa = await readFile((await ensureDevCerts()).ca); // the servers below use the dev PKI
const dir = await mkdtemp(join(tmpdir(), 'https-server-bench-'));
const rsaCa = await createCa({ algorithm: 'rsa-2048', commonName: 'netlab bench RSA CA' });
const rsaPair = await issueCertificate(rsaCa, { usage: 'server' });
const rsa = { cert: join(dir, 'rsa.crt'), key: join(dir, 'rsa.key') };
await writeFile(rsa.cert, rsaPair.cert);
await writeFile(rsa.key, rsaPair.key, { mode: 0o600 });

const https = await start(here('../src/main.ts'));
const httpsRsa = await start(here('../src/main.ts'), ['--cert', rsa.cert, '--key', rsa.key]);
const plain = await start(here('../../http-server/src/main.ts'));
const bench = new Bench({
  package: 'https-server',
  title: 'https-server (§7.5.3)',
  runs: RUNS,
  warmup: 1,
});
bench.note(
  `${SECONDS} s per run${pinned ? ', servers on CPU 0, load generators on CPU 1' : ''}; servers at --log-level info, ` +
    `--max-requests-per-socket 0. HTTP/1.1 load: autocannon, ${IN_FLIGHT} connections (it does not verify certificates). ` +
    `HTTP/2 load: ${useH2load ? 'h2load (nghttp2-client)' : "Node's http2 client (h2load not installed)"}, ` +
    `${H2.clients} connections × ${H2.streams} streams. The load tools differ (C vs Node): compare req/s with care, ` +
    'server µs/req is the like-for-like figure. TLS: the intermediate profile, TLS 1.3, TLS_AES_128_GCM_SHA256.',
);
try {
  await bench.compare({
    name: `GET / keep-alive, ${IN_FLIGHT} in flight`,
    contenders: {
      'HTTPS/1.1': () => autocannon(https, 'https'),
      'HTTP/2 (TLS)': () =>
        withServerCpu(https, 'req', () =>
          useH2load
            ? h2load(`https://127.0.0.1:${https.port}/`, {
                ...H2,
                seconds: SECONDS,
                prefix: pinnedCommand(1),
              })
            : nodeH2Load(`https://127.0.0.1:${https.port}/`, {
                ...H2,
                seconds: SECONDS,
                ca: devCa,
              }),
        ),
      'plain HTTP/1.1 (http-server)': () => autocannon(plain, 'http'),
    },
    primary: 'req/s',
    ratioMetrics: ['server µs/req'],
  });
  await bench.compare({
    name: `new HTTPS connections (full TLS 1.3 handshake + 1 request), ${HANDSHAKE_CONCURRENCY} concurrent`,
    contenders: {
      'ECDSA P-256 certificate': () =>
        withServerCpu(https, 'connection', () =>
          handshakeRate(https.port, {
            concurrency: HANDSHAKE_CONCURRENCY,
            durationMs: SECONDS * 1000,
            ca: devCa,
          }),
        ),
      'RSA-2048 certificate': () =>
        withServerCpu(httpsRsa, 'connection', () =>
          handshakeRate(httpsRsa.port, {
            concurrency: HANDSHAKE_CONCURRENCY,
            durationMs: SECONDS * 1000,
            ca: Buffer.from(rsaCa.cert),
          }),
        ),
    },
    primary: 'connections/s',
    ratioMetrics: ['server µs/connection', 'client µs/connection'],
  });
  bench.finish();
} finally {
  await Promise.all(
    [https, httpsRsa, plain].map((s) => s.stop('SIGTERM', 15_000).catch(() => s.stop('SIGKILL'))),
  );
  await rm(dir, { recursive: true, force: true });
}
