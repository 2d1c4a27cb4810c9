/**
 * `/chat` beyond one process, as a user runs it: `--workers 2` (the cluster primary relays
 * between its workers) and `--redis URL` / `REDIS_URL` (two instances on one Redis).
 */
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  execMain,
  isProcessAlive,
  killCluster,
  RedisServer,
  startMain,
  Teardown,
  workerPids,
  type ListeningMain,
  type LogLine,
} from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient } from './chat-client.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

async function server(args: string[], env: Record<string, string> = {}): Promise<ListeningMain> {
  const proc = await startMain(MAIN, ['--heartbeat', '0', ...args], { env });
  teardown.add(proc, killCluster);
  return proc;
}

/** The pid of the process that logged `websocket open` for `client`'s connection. */
async function servedBy(proc: ListeningMain, client: ChatClient): Promise<number> {
  const port = (client.ws as unknown as { _socket: Socket })._socket.localPort;
  const line = await proc.stdout.waitFor(
    (l) => l.includes('"msg":"websocket open"') && l.includes(`"remote":"127.0.0.1:${port}"`),
  );
  return (JSON.parse(line) as LogLine).pid;
}

describe('/chat with --workers 2 (no Redis): the primary relays between workers', () => {
  it('a message sent to one worker reaches a member on the other, numbered once; SIGTERM drains both', async () => {
    const proc = await server(['--workers', '2']);
    const url = `ws://${proc.address}/chat`;
    const first = await ChatClient.join(url, teardown);
    const firstPid = await servedBy(proc, first);
    let other: ChatClient | undefined;
    for (let i = 0; i < 6 && other === undefined; i += 1) {
      const candidate = await ChatClient.join(url, teardown);
      if ((await servedBy(proc, candidate)) !== firstPid) other = candidate;
    }
    expect(other, 'no connection landed on the second worker').toBeDefined();
    first.send('across processes');
    expect(await other!.message('across processes')).toMatchObject({ seq: 1 });
    other!.send('and back');
    for (const c of [first, other!]) {
      expect(await c.message('and back')).toMatchObject({ seq: 2 });
      expect(c.frames.filter((f) => f.type === 'chat')).toHaveLength(2);
    }
    const workers = workerPids(proc);
    expect(workers).toHaveLength(2);
    expect(await proc.stop('SIGTERM', 20_000)).toBe(0);
    expect(workers.filter(isProcessAlive)).toEqual([]);
  });
});

describe('/chat with --redis: two instances on one Redis', () => {
  it("--redis on one, REDIS_URL on the other: A's message reaches B", async () => {
    const redis = await RedisServer.start();
    teardown.add(redis, (r) => r.stop());
    const one = await server(['--redis', redis.url]);
    const two = await server([], { REDIS_URL: redis.url });
    await one.stdout.waitFor('chat bus: connected to Redis');
    await two.stdout.waitFor('chat bus: connected to Redis');
    const a = await ChatClient.join(`ws://${one.address}/chat?room=demo`, teardown);
    const b = await ChatClient.join(`ws://${two.address}/chat?room=demo`, teardown);
    a.send('hello over Redis');
    expect(await b.message('hello over Redis')).toEqual({
      type: 'chat',
      room: 'demo',
      seq: 1,
      text: 'hello over Redis',
    });
    expect(await one.stop('SIGTERM', 10_000)).toBe(0);
  });

  it('a URL that is not redis:// exits 2 naming the flag or the variable', async () => {
    const flag = await execMain(MAIN, ['--redis', 'localhost:6379']);
    expect([flag.code, flag.stderr]).toEqual([
      2,
      "ws-server: --redis must be a redis:// or rediss:// URL (got 'localhost:6379')",
    ]);
    const env = await execMain(MAIN, [], { env: { REDIS_URL: 'http://x' } });
    expect([env.code, env.stderr]).toEqual([
      2,
      "ws-server: REDIS_URL must be a redis:// or rediss:// URL (got 'http://x')",
    ]);
  });
});
