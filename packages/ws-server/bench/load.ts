/**
 * The load generator (the same for both servers): `ws` clients, 32 connections, a window of
 * messages in flight on each; every echo is timed from its send.
 */
import { once } from 'node:events';
import { quantile } from 'common/bench';
import WsLib from 'ws';

export interface EchoLoad {
  url: string;
  /** CPU seconds the server process has used so far (read before and after the run). */
  serverCpu: () => number;
  connections: number;
  /** Messages in flight per connection. */
  window: number;
  size: number;
  durationMs: number;
}

export async function openClients(url: string, n: number, batch = 200): Promise<WsLib[]> {
  const clients: WsLib[] = [];
  for (let i = 0; i < n; i += batch) {
    const group = Array.from(
      { length: Math.min(batch, n - i) },
      () => new WsLib(url, { perMessageDeflate: false }),
    );
    await Promise.all(group.map((c) => once(c, 'open')));
    clients.push(...group);
  }
  return clients;
}

export async function closeClients(clients: WsLib[]): Promise<void> {
  await Promise.all(
    clients.map((c) => {
      const closed = once(c, 'close');
      c.close(1000);
      return closed;
    }),
  );
}

/** Runs one echo load; returns msgs/s, MiB/s (payload echoed) and the p99 round trip in ms. */
export async function runEcho(load: EchoLoad): Promise<Record<string, number>> {
  const clients = await openClients(load.url, load.connections);
  const payload = Buffer.alloc(load.size, 0x61);
  const latencies: number[] = [];
  let received = 0;
  let running = true;
  const cpuBefore = load.serverCpu();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    setTimeout(() => {
      running = false;
      resolve();
    }, load.durationMs);
    for (const client of clients) {
      const sentAt: number[] = [];
      const send = (): void => {
        sentAt.push(performance.now());
        client.send(payload, { binary: true });
      };
      client.on('message', () => {
        const t = sentAt.shift();
        if (t !== undefined && running) {
          latencies.push(performance.now() - t);
          received += 1;
        }
        if (running) send();
      });
      for (let i = 0; i < load.window; i += 1) send();
    }
  });
  const seconds = (performance.now() - start) / 1000;
  const serverCpu = load.serverCpu() - cpuBefore;
  for (const c of clients) c.terminate();
  return {
    'msgs/s': received / seconds,
    // Robust on a shared machine: messages echoed per second of server CPU time.
    'msgs/server-CPU-s': received / serverCpu,
    'server CPU %': (serverCpu / seconds) * 100,
    'MiB/s': (received * load.size) / seconds / 1024 ** 2,
    'p99 ms': quantile(latencies, 0.99),
  };
}
