/**
 * `pnpm --filter tls-echo bench`: the §7.5 echo server against the bare §7.5.2 server, and
 * the cost of TLS itself.
 *  1. echo throughput over one connection, TLS_AES_256_GCM_SHA384 on every contender: netlab
 *     vs the bare `tls.createServer` + `pipe` server in the same process (same heap, same
 *     garbage collector: what netlab's own code costs), the bare server alone in a plain node
 *     (what the issue measured), and plain TCP (the price of TLS);
 *  2. full mutual-TLS handshakes, like for like (`requestCert`, a client certificate, the same
 *     ECDSA P-256 certificate): netlab vs the bare server, both ways;
 *  3. ECDSA P-256 vs RSA-2048 server certificates, full handshakes;
 *  4. TLS 1.3 session resumption (tickets) vs full handshakes.
 * Servers in children pinned to CPU 0, the load here on CPU 1. BENCH_RUNS (default 7) runs per
 * contender after one warm-up; BENCH_ONLY=echo|handshake|rsa|resume runs one case.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createCa, ensureDevCerts, issueCertificate } from 'certs';
import { Bench, pinSelf, pinnedCommand, processCpuMs, type Metrics } from 'common/bench';
import { spawnMain, type MainProcess } from 'common/harness';
import { echoThroughput, handshakeRate, tcpSocket, tlsSocket, type TlsTarget } from './load.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ONLY = process.env.BENCH_ONLY;
const HANDSHAKE_MS = 2_000;
const CONCURRENCY = 8;
/** The suite of every TLS contender (netlab's profile alone would pick AES-128-GCM first). */
const SUITE = 'TLS_AES_256_GCM_SHA384';
const ECHO = { connections: 1, bytesPerConnection: 128 * 1024 * 1024, chunkSize: 64 * 1024 };

const pinned = pinSelf(1);
const dev = await ensureDevCerts();
const dir = await mkdtemp(join(tmpdir(), 'tls-echo-bench-'));
const rsaCa = await createCa({ algorithm: 'rsa-2048', commonName: 'netlab bench RSA CA' });
const rsaServer = await issueCertificate(rsaCa, { usage: 'server' });
const rsa = { cert: join(dir, 'rsa.crt'), key: join(dir, 'rsa.key') };
await writeFile(rsa.cert, rsaServer.cert);
await writeFile(rsa.key, rsaServer.key, { mode: 0o600 });

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const netlab = spawnMain(
  here('./server.ts'),
  [JSON.stringify({ ca: dev.ca, ecdsa: { cert: dev.serverCert, key: dev.serverKey }, rsa })],
  { prefix: pinnedCommand(0) },
);
const bareAlone = spawnMain(
  here('./bare-echo.mjs'),
  [JSON.stringify({ ca: dev.ca, cert: dev.serverCert, key: dev.serverKey })],
  { prefix: pinnedCommand(0), tsx: false },
);
const ports = {
  ...(JSON.parse(await netlab.stdout.waitFor(/^\{/, 30_000)) as Record<string, number>),
  ...(JSON.parse(await bareAlone.stdout.waitFor(/^\{/, 30_000)) as Record<string, number>),
};

/**
 * Runs one load against a server in `proc` and adds the server's and this (client) process's
 * CPU per operation (`unit`: `MiB` or `handshake`) and the operations per server CPU-second:
 * steadier than rates on a shared machine, and it shows which side is the bottleneck.
 */
async function withCpu(
  proc: MainProcess,
  unit: string,
  load: () => Promise<{ metrics: Metrics; ops: number }>,
): Promise<Metrics> {
  const pid = proc.child.pid!;
  const serverBefore = processCpuMs(pid);
  const clientBefore = process.cpuUsage();
  const { metrics, ops } = await load();
  const client = process.cpuUsage(clientBefore);
  const serverMs = processCpuMs(pid) - serverBefore;
  return {
    ...metrics,
    [`${unit}s/server-CPU-s`]: ops / (serverMs / 1000),
    [`server CPU µs/${unit}`]: (serverMs * 1000) / ops,
    [`client CPU µs/${unit}`]: (client.user + client.system) / ops,
  };
}

const [ca, cert, key] = await Promise.all([
  readFile(dev.ca),
  readFile(dev.clientCert),
  readFile(dev.clientKey),
]);
/** CA + client certificate + key + the suite, built once (a PEM per connect re-parses it). */
const context = (trust: Buffer): TlsTarget['secureContext'] =>
  createSecureContext({ ca: trust, cert, key, ciphers: SUITE });
const target = (port: number | undefined, trust = ca): TlsTarget => ({
  port: port!,
  secureContext: context(trust),
});
const ecdsa = target(ports.ecdsa);
const bare = target(ports.bare);
const alone = target(ports.bareProcess);
const rsaTarget = target(ports.rsa, Buffer.from(rsaCa.cert));

const bench = new Bench({
  package: 'tls-echo',
  title: 'tls-echo vs the bare §7.5.2 server, and the cost of TLS',
  runs: RUNS,
  warmup: 1,
});
bench.note(
  `netlab, the bare server (\`tls.createServer\` + \`socket.pipe(socket)\`, Node's defaults) and plain TCP in one child process under tsx${pinned ? ' on CPU 0' : ''}; the bare server once more alone in a plain node; load generator here${pinned ? ' on CPU 1' : ''}. netlab logs at info (to /dev/null): its per-connection lines are built and written. Every TLS client offers only ${SUITE}; servers present the dev PKI's ECDSA P-256 certificate (RSA-2048 in the ECDSA/RSA case).`,
);
bench.note(
  `Echo: ${ECHO.connections} connection, ${ECHO.bytesPerConnection / 1024 / 1024} MiB in ${ECHO.chunkSize / 1024} KiB writes, read back while sending. Handshakes: ${CONCURRENCY} concurrent clients for ${HANDSHAKE_MS} ms, each presenting an ECDSA P-256 client certificate to a server with requestCert; a handshake counts once the greeting arrived.`,
);
const run = (name: string): boolean => ONLY === undefined || ONLY === name;
const full = { concurrency: CONCURRENCY, durationMs: HANDSHAKE_MS, resume: false };

if (run('echo')) {
  await bench.compare({
    name: 'echo, one connection',
    primary: 'MiB/s',
    ratioMetrics: ['MiBs/server-CPU-s'],
    contenders: {
      netlab: () => withCpu(netlab, 'MiB', () => echoThroughput(tlsSocket(ecdsa), ECHO)),
      'bare, same process': () =>
        withCpu(netlab, 'MiB', () => echoThroughput(tlsSocket(bare), ECHO)),
      'bare, own plain node': () =>
        withCpu(bareAlone, 'MiB', () => echoThroughput(tlsSocket(alone), ECHO)),
      'plain TCP (netlab)': () =>
        withCpu(netlab, 'MiB', () => echoThroughput(tcpSocket(ports.tcp!), ECHO)),
    },
  });
}
if (run('handshake')) {
  await bench.compare({
    name: 'full mTLS handshakes',
    primary: 'handshakes/s',
    ratioMetrics: ['handshakes/server-CPU-s'],
    contenders: {
      netlab: () => withCpu(netlab, 'handshake', () => handshakeRate(ecdsa, full)),
      'bare, same process': () => withCpu(netlab, 'handshake', () => handshakeRate(bare, full)),
      'bare, own plain node': () =>
        withCpu(bareAlone, 'handshake', () => handshakeRate(alone, full)),
    },
  });
}
if (run('rsa')) {
  await bench.compare({
    name: 'ECDSA vs RSA certificate',
    primary: 'handshakes/s',
    ratioMetrics: ['server CPU µs/handshake', 'client CPU µs/handshake'],
    contenders: {
      'ECDSA P-256': () => withCpu(netlab, 'handshake', () => handshakeRate(ecdsa, full)),
      'RSA-2048': () => withCpu(netlab, 'handshake', () => handshakeRate(rsaTarget, full)),
    },
  });
}
if (run('resume')) {
  await bench.compare({
    name: 'session resumption (ECDSA)',
    primary: 'handshakes/s',
    ratioMetrics: ['server CPU µs/handshake'],
    contenders: {
      'resumed (ticket)': () =>
        withCpu(netlab, 'handshake', () => handshakeRate(ecdsa, { ...full, resume: true })),
      full: () => withCpu(netlab, 'handshake', () => handshakeRate(ecdsa, full)),
    },
  });
}
bench.finish();

for (const proc of [netlab, bareAlone]) proc.child.stdin!.end();
await Promise.all([netlab.exited, bareAlone.exited]);
await rm(dir, { recursive: true, force: true });
