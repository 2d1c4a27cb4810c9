/**
 * One benchmark server process: `node --expose-gc --import tsx bench/server.ts netlab|ws`.
 * Echo on `/echo`; prints `port N` once listening; on a stdin line `rss` it runs the GC and
 * prints `rss BYTES HEAP_BYTES`.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';
import { createWsServer } from '../src/server.ts';

const kind = process.argv[2];
let http;
if (kind === 'netlab') {
  http = createWsServer({ heartbeatInterval: 0 }).server;
} else if (kind === 'ws') {
  http = createServer();
  const wss = new WebSocketServer({
    server: http,
    path: '/echo',
    perMessageDeflate: false,
    clientTracking: true,
  });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
  });
} else {
  throw new Error(`usage: server.ts netlab|ws (got ${kind})`);
}
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(
    `port ${typeof address === 'object' && address !== null ? address.port : 0}\n`,
  );
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'rss') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`rss ${rss} ${heapUsed}\n`);
});
