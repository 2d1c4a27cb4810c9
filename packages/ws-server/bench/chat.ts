/**
 * The `chat` group of `pnpm bench`: what it costs to carry `/chat` between processes. The same
 * room, the same load, three buses: `in-process` (one server process), `cluster` (`--workers
 * 2`: the primary relays between its two workers over IPC) and `redis` (two server processes
 * on one redis-server). Every server-side process (servers, primary, workers, Redis) is pinned
 * to CPU 0, the load to CPU 1: the figures compare the work each bus adds per message, not
 * what more cores would buy.
 */
import { fileURLToPath } from 'node:url';
import { pinnedCommand, processCpuMs, quantile } from 'common/bench';
import { RedisServer, startMain, workerPids, type ListeningMain } from 'common/harness';
import WsLib from 'ws';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export type BusKind = 'in-process' | 'cluster' | 'redis';

/** The server side of one bus: the URLs members connect to, and its CPU time. */
export interface ChatSetup {
  urls: string[];
  /** CPU seconds of every server-side process so far. */
  cpu(): number;
  stop(): Promise<void>;
}

async function main(args: string[]): Promise<ListeningMain> {
  return startMain(MAIN, ['--heartbeat', '0', ...args], { prefix: pinnedCommand(0) });
}

/** Starts the processes of `kind`, all on CPU 0. */
export async function startChat(kind: BusKind): Promise<ChatSetup> {
  const mains: ListeningMain[] = [];
  let redis: RedisServer | undefined;
  if (kind === 'redis') {
    redis = await RedisServer.start({ prefix: pinnedCommand(0) });
    mains.push(await main(['--redis', redis.url]), await main(['--redis', redis.url]));
    await Promise.all(mains.map((m) => m.stdout.waitFor('chat bus: connected to Redis')));
  } else {
    mains.push(await main(kind === 'cluster' ? ['--workers', '2'] : []));
  }
  const pids = (): number[] => [
    ...mains.map((m) => m.child.pid!),
    ...mains.flatMap(workerPids),
    ...(redis?.pid === undefined ? [] : [redis.pid]),
  ];
  const all = pids();
  return {
    urls: mains.map((m) => `ws://${m.address}/chat?room=bench`),
    cpu: () => all.reduce((sum, pid) => sum + processCpuMs(pid), 0) / 1000,
    async stop() {
      await Promise.all(mains.map((m) => m.stop('SIGKILL')));
      await redis?.stop();
    },
  };
}

/** Options of {@link runBroadcast}. */
export interface BroadcastLoad {
  setup: ChatSetup;
  /** Room members; member i connects to `urls[i % urls.length]` (the cluster spreads them itself). */
  members: number;
  /** Text bytes per message. */
  size: number;
  /** Messages the one sender keeps in flight (sent, its own copy not back yet). */
  window: number;
  durationMs: number;
}

/**
 * One sender publishes to a room of `members` (itself included) with `window` messages in
 * flight; each message is done when its own copy comes back. Returns messages/s, deliveries/s
 * (messages × members received), messages per server CPU-second and the p99 send → own copy.
 */
export async function runBroadcast(load: BroadcastLoad): Promise<Record<string, number>> {
  const { urls } = load.setup;
  const members = await Promise.all(
    Array.from({ length: load.members }, (_, i) => openMember(urls[i % urls.length]!)),
  );
  const sender = members[0]!;
  const padding = 'x'.repeat(Math.max(0, load.size - 12));
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let deliveries = 0;
  let done = 0;
  let next = 0;
  let running = true;
  for (const m of members.slice(1)) m.ws.on('message', () => (deliveries += running ? 1 : 0));
  const cpuBefore = load.setup.cpu();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    setTimeout(() => {
      running = false;
      resolve();
    }, load.durationMs);
    const send = (): void => {
      const id = next++;
      sentAt.set(id, performance.now());
      sender.ws.send(`${String(id).padStart(11, '0')}:${padding}`);
    };
    sender.ws.on('message', (data: Buffer) => {
      const { text } = JSON.parse(data.toString()) as { text: string };
      const t = sentAt.get(Number(text.slice(0, 11)));
      if (t === undefined || !running) return;
      sentAt.delete(Number(text.slice(0, 11)));
      latencies.push(performance.now() - t);
      done += 1;
      deliveries += 1;
      send();
    });
    for (let i = 0; i < load.window; i += 1) send();
  });
  const seconds = (performance.now() - start) / 1000;
  const serverCpu = load.setup.cpu() - cpuBefore;
  for (const m of members) m.ws.terminate();
  return {
    'msgs/s': done / seconds,
    'deliveries/s': deliveries / seconds,
    'msgs/server-CPU-s': done / serverCpu,
    'server CPU %': (serverCpu / seconds) * 100,
    'p99 ms': quantile(latencies, 0.99),
  };
}

/** A member: open, and joined (its `joined` frame arrived). */
async function openMember(url: string): Promise<{ ws: WsLib }> {
  const ws = new WsLib(url, ['chat'], { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('message', () => resolve()); // the first frame is `joined`
  });
  return { ws };
}
