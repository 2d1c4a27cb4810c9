/**
 * The load generator (the same for both servers): `ws` clients, a window of messages in flight
 * on each connection; every echo is timed from its send. With `deflate` the clients offer
 * permessage-deflate and send text (JSON-like messages, {@link jsonMessages}).
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
  /** Offer permessage-deflate and send JSON-like text; default: binary `a`s, no extension. */
  deflate?: boolean;
}

export async function openClients(
  url: string,
  n: number,
  batch = 200,
  deflate = false,
): Promise<WsLib[]> {
  const clients: WsLib[] = [];
  for (let i = 0; i < n; i += batch) {
    const group = Array.from(
      { length: Math.min(batch, n - i) },
      () => new WsLib(url, { perMessageDeflate: deflate }),
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

/**
 * `count` different JSON-like messages of exactly `size` bytes (ASCII): an API's event records
 * with ids, names, timestamps and flags, the kind of text permessage-deflate is used for
 * (they deflate to about a fifth; repeated keys across messages help context takeover).
 */
export function jsonMessages(size: number, count = 16): string[] {
  return Array.from({ length: count }, (_, m) => {
    let json = '[';
    for (let i = 0; json.length < size; i += 1) {
      const id = m * 100_000 + i * 7;
      json += `{"id":${id},"user":"user${(id * 31) % 9973}","event":"${['click', 'view', 'scroll', 'submit'][i % 4]}","ts":${1_764_000_000_000 + id * 13},"ok":${i % 3 !== 0}},`;
    }
    return json.slice(0, size - 1) + ']';
  });
}

/** Runs one echo load; returns msgs/s, MiB/s (payload echoed) and the p99 round trip in ms. */
export async function runEcho(load: EchoLoad): Promise<Record<string, number>> {
  const clients = await openClients(load.url, load.connections, 200, load.deflate === true);
  const messages =
    load.deflate === true ? jsonMessages(load.size) : [Buffer.alloc(load.size, 0x61)];
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
      let next = 0;
      const send = (): void => {
        sentAt.push(performance.now());
        const message = messages[next++ % messages.length]!;
        client.send(message, { binary: typeof message !== 'string' });
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

/**
 * The soak: `connections` clients with permessage-deflate send `total` JSON-like messages of
 * `size` bytes between them (`window` in flight on each) and wait for every echo; `checkpoint`
 * is called after every part (quarters by default) with the number echoed so far.
 */
export async function runSoak(
  url: string,
  opts: { connections: number; total: number; size: number; window: number; checkpoints?: number },
  checkpoint: (echoed: number) => Promise<void>,
): Promise<void> {
  const clients = await openClients(url, opts.connections, 100, true);
  const messages = jsonMessages(opts.size);
  const parts = opts.checkpoints ?? 4;
  const perClient = Math.ceil(opts.total / opts.connections);
  const quarter = (perClient * opts.connections) / parts;
  for (let q = 1; q <= parts; q += 1) {
    await Promise.all(
      clients.map(
        (client, c) =>
          new Promise<void>((resolve) => {
            let sent = 0;
            let received = 0;
            const target = Math.ceil(perClient / parts);
            const send = (): void => {
              client.send(messages[(sent + c) % messages.length]!);
              sent += 1;
            };
            const onMessage = (): void => {
              received += 1;
              if (received === target) {
                client.off('message', onMessage);
                resolve();
              } else if (sent < target) send();
            };
            client.on('message', onMessage);
            for (let i = 0; i < Math.min(opts.window, target); i += 1) send();
          }),
      ),
    );
    await checkpoint(quarter * q);
  }
  await closeClients(clients);
}
