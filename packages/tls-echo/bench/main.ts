/**
 * `pnpm --filter tls-echo bench`: the cost of TLS for the §7.5 echo server.
 *  1. echo throughput over TLS 1.3 vs plain TCP (same echo code, same process);
 *  2. full mutual-TLS handshakes/s with an ECDSA P-256 vs an RSA-2048 server certificate;
 *  3. TLS 1.3 session resumption (tickets) vs full handshakes.
 * The servers run in a child pinned to CPU 0, the load here on CPU 1.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createCa, ensureDevCerts, issueCertificate } from 'certs';
import { Bench, pinSelf, pinnedCommand, processCpuMs, type Metrics } from 'common/bench';
import { spawnMain } from 'common/harness';
import { echoThroughput, handshakeRate, tcpSocket, tlsSocket, type TlsTarget } from './load.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HANDSHAKE_MS = 2_000;
const CONCURRENCY = 8;
const ECHO = { connections: 4, bytesPerConnection: 16 * 1024 * 1024, chunkSize: 64 * 1024 };

const pinned = pinSelf(1);
const dev = await ensureDevCerts();
const dir = await mkdtemp(join(tmpdir(), 'tls-echo-bench-'));
const rsaCa = await createCa({ algorithm: 'rsa-2048', commonName: 'netlab bench RSA CA' });
const rsaServer = await issueCertificate(rsaCa, { usage: 'server' });
const rsa = { cert: join(dir, 'rsa.crt'), key: join(dir, 'rsa.key') };
await writeFile(rsa.cert, rsaServer.cert);
await writeFile(rsa.key, rsaServer.key, { mode: 0o600 });

const serverScript = fileURLToPath(new URL('./server.ts', import.meta.url));
const server = spawnMain(
  serverScript,
  [JSON.stringify({ ca: dev.ca, ecdsa: { cert: dev.serverCert, key: dev.serverKey }, rsa })],
  { prefix: pinnedCommand(0) },
);
const ports = JSON.parse(await server.stdout.waitFor(/^\{/, 20_000)) as {
  ecdsa: number;
  rsa: number;
  tcp: number;
};

/** The server process's CPU time so far, in µs (10 ms resolution, from /proc). */
function serverCpu(): number {
  return processCpuMs(server.child.pid!) * 1000;
}

/**
 * Runs one load and adds the server's and this (client) process's CPU time per operation
 * (`unit`: `handshake` or `MiB`): less sensitive than rates to other processes sharing the
 * machine, and it shows which side is the bottleneck.
 */
async function withCpu(
  unit: string,
  load: () => Promise<{ metrics: Metrics; ops: number }>,
): Promise<Metrics> {
  const serverBefore = serverCpu();
  const clientBefore = process.cpuUsage();
  const { metrics, ops } = await load();
  const client = process.cpuUsage(clientBefore);
  const serverAfter = serverCpu();
  return {
    ...metrics,
    [`server CPU µs/${unit}`]: (serverAfter - serverBefore) / ops,
    [`client CPU µs/${unit}`]: (client.user + client.system) / ops,
  };
}

const [ca, cert, key] = await Promise.all([
  readFile(dev.ca),
  readFile(dev.clientCert),
  readFile(dev.clientKey),
]);
const rsaCaPem = Buffer.from(rsaCa.cert);
const ecdsaTarget: TlsTarget = {
  port: ports.ecdsa,
  secureContext: createSecureContext({ ca, cert, key }),
};
const rsaTarget: TlsTarget = {
  port: ports.rsa,
  secureContext: createSecureContext({ ca: rsaCaPem, cert, key }),
};

const bench = new Bench({
  package: 'tls-echo',
  title: 'tls-echo: the cost of TLS (§7.5)',
  runs: RUNS,
  warmup: 1,
});
bench.note(
  `Servers in one child process${pinned ? ' pinned to CPU 0' : ''}, load generator in the bench process${pinned ? ' pinned to CPU 1' : ''}; both single-threaded, so the client's own crypto counts too.`,
);
bench.note(
  `Echo: ${ECHO.connections} connections × ${ECHO.bytesPerConnection / 1024 / 1024} MiB in ${ECHO.chunkSize / 1024} KiB writes, TLS 1.3 (Node's default cipher suite order) vs plain TCP, same handleEchoConnection.`,
);
bench.note(
  `Handshakes: ${CONCURRENCY} concurrent clients for ${HANDSHAKE_MS} ms each run; a handshake counts once the server's greeting arrived (mutual TLS: the client certificate was verified). Client certificates are ECDSA P-256 throughout.`,
);

const full = { concurrency: CONCURRENCY, durationMs: HANDSHAKE_MS, resume: false };
const resumed = { ...full, resume: true };

await bench.compare({
  name: 'echo throughput',
  primary: 'MiB/s',
  ratioMetrics: ['server CPU µs/MiB'],
  contenders: {
    'TLS 1.3': () => withCpu('MiB', () => echoThroughput(tlsSocket(ecdsaTarget), ECHO)),
    'plain TCP': () => withCpu('MiB', () => echoThroughput(tcpSocket(ports.tcp), ECHO)),
  },
});
await bench.compare({
  name: 'full mTLS handshakes',
  primary: 'handshakes/s',
  ratioMetrics: ['server CPU µs/handshake', 'client CPU µs/handshake'],
  contenders: {
    'ECDSA P-256': () => withCpu('handshake', () => handshakeRate(ecdsaTarget, full)),
    'RSA-2048': () => withCpu('handshake', () => handshakeRate(rsaTarget, full)),
  },
});
await bench.compare({
  name: 'session resumption (ECDSA)',
  primary: 'handshakes/s',
  ratioMetrics: ['server CPU µs/handshake'],
  contenders: {
    'resumed (ticket)': () => withCpu('handshake', () => handshakeRate(ecdsaTarget, resumed)),
    full: () => withCpu('handshake', () => handshakeRate(ecdsaTarget, full)),
  },
});
bench.finish();

server.child.stdin!.end();
await server.exited;
await rm(dir, { recursive: true, force: true });
