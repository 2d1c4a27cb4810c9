/**
 * `pnpm --filter udp-server bench`: this package's echo server vs a bare `node:dgram` echo (the
 * ceiling), each in its own process pinned to CPU 0; the load is this package's windowed
 * measurement client (`measure()`), pinned to CPU 1. Cases: 64 B and 1,200 B probes.
 */
import { fileURLToPath } from 'node:url';
import { Bench, pinnedCommand, pinSelf, processCpuMs } from 'common/bench';
import { spawnMain } from 'common/harness';
import { measure } from '../src/client.ts';
import { QUIC_MIN_DATAGRAM } from '../src/constants.ts';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const COUNT = Number(process.env.BENCH_COUNT ?? 50_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);

type Kind = 'netlab' | 'bare';

async function startServer(kind: Kind) {
  const proc = spawnMain(SERVER, [kind], { prefix: pinnedCommand(0) });
  const port = Number((await proc.stdout.waitFor(/^port /, 20_000)).split(' ')[1]);
  return { port, cpuMs: () => processCpuMs(proc.child.pid!), stop: () => proc.stop('SIGKILL') };
}

pinSelf(1);
const bench = new Bench({
  package: 'udp-server',
  title: 'udp-server: echo vs a bare node:dgram echo',
  runs,
  warmup: 1,
});
bench.note(
  `Servers: createUdpServer() (echo, no rate limit, silent logger) and a 2-line node:dgram echo, each in its own process on CPU 0. Load: this package's measure() on CPU 1, ${COUNT.toLocaleString('en-US')} probes per run, ${WINDOW} in flight, 1 s timeout, over 127.0.0.1.`,
);
bench.note(
  'datagrams/s counts echoes received per second of the run; server µs/datagram is the server process CPU time (user+system, /proc) per echo, the steadier figure on a shared machine; loss % should be 0 on loopback.',
);

const servers = { netlab: await startServer('netlab'), bare: await startServer('bare') };
for (const [size, label] of [
  [64, '64 B'],
  [QUIC_MIN_DATAGRAM, '1,200 B'],
] as const) {
  await bench.compare({
    name: `echo ${label}`,
    primary: 'datagrams/s',
    ratioMetrics: ['server µs/datagram'],
    contenders: Object.fromEntries(
      (['netlab', 'bare'] as const).map((kind) => [
        kind,
        async () => {
          const server = servers[kind];
          const cpuBefore = server.cpuMs();
          const r = await measure({ port: server.port, count: COUNT, size, window: WINDOW });
          const cpuMs = server.cpuMs() - cpuBefore;
          return {
            'datagrams/s': r.datagramsPerSecond,
            'loss %': r.lossPercent,
            'server µs/datagram': (cpuMs * 1000) / Math.max(1, r.received),
            'p99 ms': r.rttMs?.p99 ?? Number.NaN,
          };
        },
      ]),
    ),
  });
}
await servers.netlab.stop();
await servers.bare.stop();
bench.finish();
process.exit(0);
