/**
 * `pnpm --filter ws-server bench`: this server vs a `ws` 8 server, same load client (`ws`),
 * servers in their own processes pinned to CPU 0, load on CPU 1. Groups (`BENCH_ONLY=name` runs
 * one): `echo` (uncompressed, 16 B / 1 KiB / 64 KiB over 32 connections), `deflate`
 * (permessage-deflate echo of 1 KiB and 64 KiB JSON-like messages, with and without context
 * takeover), `soak` (RSS after 100,000 compressed messages over 100 connections), `idle`
 * (memory per idle connection, 10,000 connections), `parser` (the bare parser) and `chat`
 * (`/chat` broadcast over the in-process, cluster and Redis buses, `chat.ts`).
 */
import { fileURLToPath } from 'node:url';
import { Bench, pinnedCommand, pinSelf, processCpuMs } from 'common/bench';
import { spawnMain } from 'common/harness';
import { runBroadcast, startChat, type BusKind, type ChatSetup } from './chat.ts';
import { closeClients, openClients, runEcho, runSoak } from './load.ts';
import { netlabParser, prebuilt, wsParser } from './parser.ts';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE ?? 10_000);
/** Connections opened on top of those, for the marginal cost (the load generator may hold 20,000 descriptors here). */
const IDLE_MORE = Math.floor(IDLE_CONNECTIONS / 2);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 2_000);
const SOAK_MESSAGES = Number(process.env.BENCH_SOAK ?? 100_000);
const CHAT_MEMBERS = Number(process.env.BENCH_CHAT_MEMBERS ?? 8);
const only = process.env.BENCH_ONLY; // e.g. `echo`, `deflate`, `soak`, `idle`, `parser`, `chat`
const enabled = (group: string): boolean => only === undefined || only === group;

type Kind = 'netlab' | 'ws' | 'bare';
/** `plain`: no compression; `deflate`: no context takeover either way; `takeover`: with it. */
type Mode = 'plain' | 'deflate' | 'takeover';

interface ServerProcess {
  port: number;
  /** User + system CPU time the server has used, in seconds. */
  cpu(): number;
  /** GC in the server, then its RSS and heap, in bytes. */
  memory(): Promise<{ rss: number; heap: number }>;
  stop(): Promise<unknown>;
}

async function startServer(kind: Kind, mode: Mode = 'plain'): Promise<ServerProcess> {
  const proc = spawnMain(SERVER, [kind, mode], {
    prefix: pinnedCommand(0),
    nodeArgs: ['--expose-gc'],
  });
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
  "Servers: this package's createWsServer and a ws 8.23 WebSocketServer, each echoing on /echo in its own process on CPU 0; load generator (ws clients) on CPU 1.",
);
bench.note(
  "Primary echo metric: messages echoed per second of server CPU time (user+system from /proc/PID/stat, zlib's threads included). On this shared 2-core VM the single load-generator process saturates before either server, so raw msgs/s mostly measures the load generator and the machine's other jobs; CPU-normalized throughput compares the servers. Raw msgs/s, MiB/s and p99 are reported alongside.",
);

/** Echo cases: one `bench.compare` per size, both servers in `mode`. */
async function echoGroup(mode: Mode, cases: readonly (readonly [number, number, string])[]) {
  const servers = { netlab: await startServer('netlab', mode), ws: await startServer('ws', mode) };
  for (const [size, window, label] of cases) {
    await bench.compare({
      name:
        mode === 'plain'
          ? `echo ${label}`
          : `${mode === 'deflate' ? 'deflate' : 'deflate+takeover'} echo ${label}`,
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
              deflate: mode !== 'plain',
            }),
        ]),
      ),
    });
  }
  await servers.netlab.stop();
  await servers.ws.stop();
}

if (enabled('echo')) {
  bench.note(
    `Echo: 32 connections, a window of messages in flight on each, ${DURATION_MS} ms per run; MiB/s counts echoed payload; p99 is send → echo received.`,
  );
  await echoGroup('plain', [
    [16, 32, '16 B'],
    [1024, 16, '1 KiB'],
    [64 * 1024, 2, '64 KiB'],
  ]);
}

if (enabled('deflate')) {
  bench.note(
    'Compressed echo: both servers with permessage-deflate, zlib level 6, memLevel 8, 15-bit windows, 1 KiB threshold; "deflate" = no context takeover either way (this package\'s default, set explicitly on ws), "deflate+takeover" = context takeover both ways (ws\'s default, set explicitly here). Clients send 16 different JSON-like text messages in turn (they deflate to about a fifth).',
  );
  for (const mode of ['deflate', 'takeover'] as const) {
    await echoGroup(mode, [
      [1024, 16, '1 KiB'],
      [64 * 1024, 2, '64 KiB'],
    ]);
  }
}

if (enabled('soak')) {
  bench.note(
    `Soak: a fresh server process, GC, RSS; 100 connections with permessage-deflate echo ${SOAK_MESSAGES} JSON-like 1 KiB messages between them (8 in flight each); GC and RSS after each quarter. "RSS growth" is the last RSS minus the one before the load; "2nd half" is the last minus the one at half-way (flat = close to 0).`,
  );
  const soak = async (kind: Kind, mode: Mode): Promise<Record<string, number>> => {
    const server = await startServer(kind, mode);
    try {
      const before = await server.memory();
      const rss: number[] = [];
      await runSoak(
        `ws://127.0.0.1:${server.port}/echo`,
        { connections: 100, total: SOAK_MESSAGES, size: 1024, window: 8 },
        async () => {
          rss.push((await server.memory()).rss);
        },
      );
      return {
        'RSS growth KiB': (rss.at(-1)! - before.rss) / 1024,
        '2nd half KiB': (rss.at(-1)! - rss[1]!) / 1024,
        'server CPU s': server.cpu(),
      };
    } finally {
      await server.stop();
    }
  };
  for (const mode of ['deflate', 'takeover'] as const) {
    await bench.compare({
      name: `soak ${mode === 'deflate' ? 'deflate' : 'deflate+takeover'}, 100 connections`,
      primary: 'RSS growth KiB',
      higherIsBetter: false,
      contenders: { netlab: () => soak('netlab', mode), ws: () => soak('ws', mode) },
    });
  }
}

if (enabled('idle')) {
  bench.note(
    `Idle memory: a fresh server process, GC, RSS and heap; ${IDLE_CONNECTIONS} open idle connections; GC, RSS and heap again; the difference divided by the connection count. "bare": node:http answering the upgrade with a 101 and keeping the socket, nothing else (the floor). "next": ${IDLE_MORE} more connections on top, the RSS difference divided by their count (V8's young generation, which grows to its cap during the first storm of connections, no longer grows then: this is what one more connection costs).`,
  );
  const idle = async (kind: Kind): Promise<Record<string, number>> => {
    const server = await startServer(kind);
    try {
      const url = `ws://127.0.0.1:${server.port}/echo`;
      const before = await server.memory();
      const clients = await openClients(url, IDLE_CONNECTIONS);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = await server.memory();
      // The next 5,000: V8's young generation has already grown to its cap (a one-off of
      // ~20 MiB during the first connection storm, counted in the first figure), so this
      // difference is what one more connection costs.
      const more = await openClients(url, IDLE_MORE);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const next = await server.memory();
      await closeClients([...clients, ...more]);
      return {
        'RSS B/conn': (after.rss - before.rss) / IDLE_CONNECTIONS,
        'heap B/conn': (after.heap - before.heap) / IDLE_CONNECTIONS,
        'next RSS B/conn': (next.rss - after.rss) / IDLE_MORE,
      };
    } finally {
      await server.stop();
    }
  };
  await bench.compare({
    name: `idle memory, ${IDLE_CONNECTIONS} connections`,
    primary: 'RSS B/conn',
    higherIsBetter: false,
    contenders: { netlab: () => idle('netlab'), ws: () => idle('ws'), bare: () => idle('bare') },
  });
}

if (enabled('parser')) {
  bench.note(
    "Parser: ~4 MiB of prebuilt masked text frames in 64 KiB chunks fed to FrameDecoder+MessageAssembler vs ws's Receiver (both validate UTF-8, both unmask in place; each pass feeds fresh copies).",
  );
  for (const [size, label] of [
    [16, '16 B'],
    [1024, '1 KiB'],
    [64 * 1024, '64 KiB'],
  ] as const) {
    const input = prebuilt(size);
    await bench.compare({
      name: `parser ${label} frames`,
      primary: 'MB/s',
      contenders: { netlab: async () => netlabParser(input), ws: async () => wsParser(input) },
    });
  }
}
if (enabled('chat')) {
  bench.note(
    `Chat: one /chat room of ${CHAT_MEMBERS} members (the sender included), one sender keeping 32 messages of 64 B in flight (a message is done when the sender's own copy comes back), ${DURATION_MS} ms per run. in-process: one server process; cluster: --workers 2 (the primary relays over IPC and numbers the messages); redis: two server processes on one redis-server 7 (a Lua script numbers and publishes), members spread over both. Every server-side process (servers, primary, workers, redis-server) on CPU 0, the load on CPU 1: msgs/server-CPU-s is the bus's cost per message, not what a second core would add.`,
  );
  const kinds: BusKind[] = ['in-process', 'cluster', 'redis'];
  const setups = new Map<BusKind, ChatSetup>();
  for (const kind of kinds) setups.set(kind, await startChat(kind));
  await bench.compare({
    name: `chat broadcast, ${CHAT_MEMBERS} members`,
    primary: 'msgs/s',
    ratioMetrics: ['msgs/server-CPU-s'],
    contenders: Object.fromEntries(
      kinds.map((kind) => [
        kind,
        () =>
          runBroadcast({
            setup: setups.get(kind)!,
            members: CHAT_MEMBERS,
            size: 64,
            window: 32,
            durationMs: DURATION_MS,
          }),
      ]),
    ),
  });
  for (const setup of setups.values()) await setup.stop();
}

bench.finish();
process.exit(0);
