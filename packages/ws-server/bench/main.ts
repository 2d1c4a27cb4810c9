/**
 * `pnpm --filter ws-server bench`: this server vs a `ws` 8 server (perMessageDeflate off), same
 * load client (`ws`), servers in their own processes pinned to CPU 0, load on CPU 1.
 * Cases: echo throughput at 16 B / 1 KiB / 64 KiB over 32 connections, memory per idle
 * connection with 10,000 connections, and the bare parser.
 */
import { fileURLToPath } from 'node:url';
import { Bench, pinnedCommand, pinSelf, processCpuMs } from 'common/bench';
import { spawnMain } from 'common/harness';
import { closeClients, openClients, runEcho } from './load.ts';
import { netlabParser, prebuilt, wsParser } from './parser.ts';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE ?? 10_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 2_000);

interface ServerProcess {
  port: number;
  /** User + system CPU time the server has used, in seconds. */
  cpu(): number;
  /** GC in the server, then its RSS and heap, in bytes. */
  memory(): Promise<{ rss: number; heap: number }>;
  stop(): Promise<unknown>;
}

async function startServer(kind: 'netlab' | 'ws'): Promise<ServerProcess> {
  const proc = spawnMain(SERVER, [kind], { prefix: pinnedCommand(0), nodeArgs: ['--expose-gc'] });
  const port = Number((await proc.stdout.waitFor(/^port /, 20_000)).split(' ')[1]);
  return {
    port,
    cpu: () => processCpuMs(proc.child.pid!) / 1000,
    async memory() {
      const reply = proc.stdout.waitForNext(/^rss /);
      proc.child.stdin!.write('rss\n');
      const [, rss, heap] = (await reply).split(' ');
      return { rss: Number(rss), heap: Number(heap) };
    },
    stop: () => proc.stop('SIGKILL'),
  };
}

pinSelf(1);
const bench = new Bench({
  package: 'ws-server',
  title: 'ws-server: RFC 6455 server vs ws 8',
  runs,
  warmup: 1,
});
bench.note(
  "Servers: this package's createWsServer and a ws 8.23 WebSocketServer (perMessageDeflate: false), each echoing on /echo in its own process on CPU 0; load generator (ws clients) on CPU 1.",
);
bench.note(
  "Primary echo metric: messages echoed per second of server CPU time (user+system from /proc/PID/stat). On this shared 2-core VM the single load-generator process saturates before either server (server CPU stays well under 100%), so raw msgs/s mostly measures the load generator and the machine's other jobs; CPU-normalized throughput compares the servers. Raw msgs/s, MiB/s and p99 are reported alongside.",
);
bench.note(
  `Echo: 32 connections, a window of messages in flight on each, ${DURATION_MS} ms per run; MiB/s counts echoed payload; p99 is send → echo received.`,
);

const servers = { netlab: await startServer('netlab'), ws: await startServer('ws') };
const only = process.env.BENCH_ONLY; // e.g. `echo`, `idle`, `parser`: run one group
for (const [size, window, label] of only !== undefined && only !== 'echo'
  ? []
  : ([
      [16, 32, '16 B'],
      [1024, 16, '1 KiB'],
      [64 * 1024, 2, '64 KiB'],
    ] as const)) {
  await bench.compare({
    name: `echo ${label}`,
    primary: 'msgs/server-CPU-s',
    contenders: Object.fromEntries(
      (['netlab', 'ws'] as const).map((kind) => [
        kind,
        () =>
          runEcho({
            url: `ws://127.0.0.1:${servers[kind].port}/echo`,
            serverCpu: () => servers[kind].cpu(),
            connections: 32,
            window,
            size,
            durationMs: DURATION_MS,
          }),
      ]),
    ),
  });
}
await servers.netlab.stop();
await servers.ws.stop();

bench.note(
  `Idle memory: a fresh server process, GC, RSS and heap; ${IDLE_CONNECTIONS} open idle connections; GC, RSS and heap again; the difference divided by the connection count.`,
);
const idle = async (kind: 'netlab' | 'ws'): Promise<Record<string, number>> => {
  const server = await startServer(kind);
  try {
    const before = await server.memory();
    const clients = await openClients(`ws://127.0.0.1:${server.port}/echo`, IDLE_CONNECTIONS);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await server.memory();
    await closeClients(clients);
    return {
      'RSS B/conn': (after.rss - before.rss) / IDLE_CONNECTIONS,
      'heap B/conn': (after.heap - before.heap) / IDLE_CONNECTIONS,
    };
  } finally {
    await server.stop();
  }
};
if (only === undefined || only === 'idle')
  await bench.compare({
    name: `idle memory, ${IDLE_CONNECTIONS} connections`,
    primary: 'RSS B/conn',
    higherIsBetter: false,
    contenders: { netlab: () => idle('netlab'), ws: () => idle('ws') },
  });

bench.note(
  "Parser: ~4 MiB of prebuilt masked text frames in 64 KiB chunks fed to FrameDecoder+MessageAssembler vs ws's Receiver (both validate UTF-8, both unmask in place; each pass feeds fresh copies).",
);
for (const [size, label] of only !== undefined && only !== 'parser'
  ? []
  : ([
      [16, '16 B'],
      [1024, '1 KiB'],
      [64 * 1024, '64 KiB'],
    ] as const)) {
  const input = prebuilt(size);
  await bench.compare({
    name: `parser ${label} frames`,
    primary: 'MB/s',
    contenders: { netlab: async () => netlabParser(input), ws: async () => wsParser(input) },
  });
}
bench.finish();
process.exit(0);
