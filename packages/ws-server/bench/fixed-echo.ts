/**
 * A fixed echo workload for counting a server's work (not timing it): `node --import tsx
 * bench/fixed-echo.ts PORT [MESSAGES] [SIZE] [CONNECTIONS] [WINDOW] [plain|deflate]` sends
 * MESSAGES per connection (default 20,000 of 16 B over 32 connections, 32 in flight each) and
 * exits when every echo arrived. Run the server under `valgrind --tool=callgrind` or `strace -c
 * -f` and compare two MESSAGES counts: the difference divided by the extra messages is the work
 * per message, startup excluded. Used for the A/B decisions in the README (the shared machine's
 * timings are too noisy for them).
 */
import { once } from 'node:events';
import WsLib from 'ws';

const [port, messages = '20000', size = '16', connections = '32', window = '32', mode = 'plain'] =
  process.argv.slice(2);
const perConnection = Number(messages);
const deflate = mode === 'deflate';
const payload = deflate
  ? JSON.stringify(Array.from({ length: Number(size) }, (_, i) => i)).slice(0, Number(size))
  : Buffer.alloc(Number(size), 0x61);
const clients = await Promise.all(
  Array.from({ length: Number(connections) }, async () => {
    const c = new WsLib(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: deflate });
    await once(c, 'open');
    return c;
  }),
);
const start = performance.now();
await Promise.all(
  clients.map(
    (client) =>
      new Promise<void>((resolve) => {
        let sent = 0;
        let received = 0;
        const send = (): void => {
          sent += 1;
          client.send(payload, { binary: !deflate });
        };
        client.on('message', () => {
          received += 1;
          if (received === perConnection) resolve();
          else if (sent < perConnection) send();
        });
        for (let i = 0; i < Math.min(Number(window), perConnection); i += 1) send();
      }),
  ),
);
process.stdout.write(
  `${perConnection * clients.length} echoes in ${(performance.now() - start).toFixed(0)} ms\n`,
);
for (const c of clients) c.terminate();
