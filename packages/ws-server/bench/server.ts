/**
 * One benchmark server process: `node --expose-gc --import tsx bench/server.ts KIND [MODE]`,
 * KIND `netlab` (this package), `ws` (a `ws` 8 WebSocketServer) or `bare` (node:http answering
 * the upgrade with a 101 and nothing else: the floor for idle memory), MODE `plain` (default: no
 * compression), `deflate` (permessage-deflate, no context takeover either way: this package's
 * defaults, given to `ws` explicitly) or `takeover` (permessage-deflate with context takeover:
 * `ws`'s defaults, given to this package explicitly). Both use zlib's level 6, memLevel 8,
 * 15-bit windows and a 1 KiB threshold. Echo on `/echo`; prints `port N` once listening; on a
 * stdin line `rss` it runs the GC and prints `rss BYTES HEAP_BYTES`; `exit` exits.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';
import type { Socket } from 'node:net';
import { acceptKey } from '../src/protocol/handshake.ts';
import { createWsServer } from '../src/server.ts';

const [kind, mode = 'plain'] = process.argv.slice(2);
if (!['plain', 'deflate', 'takeover'].includes(mode))
  throw new Error(`usage: server.ts netlab|ws [plain|deflate|takeover] (got ${mode})`);
const takeover = mode === 'takeover';
const deflate =
  mode === 'plain'
    ? false
    : { serverNoContextTakeover: !takeover, clientNoContextTakeover: !takeover, threshold: 1024 };
let http;
if (kind === 'netlab') {
  http = createWsServer({ heartbeatInterval: 0, perMessageDeflate: deflate }).server;
} else if (kind === 'ws') {
  http = createServer();
  const wss = new WebSocketServer({
    server: http,
    path: '/echo',
    perMessageDeflate: deflate,
    clientTracking: true,
  });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
  });
} else if (kind === 'bare') {
  // The floor for any WebSocket server on node:http: answer the upgrade with a 101 and keep
  // the socket open, reading nothing (no frames, no state): an idle connection's minimum cost.
  http = createServer();
  const ignore = (): void => {};
  http.on('upgrade', (req, socket: Socket) => {
    const key = String(req.headers['sec-websocket-key']);
    socket.on('error', ignore);
    socket.on('data', ignore);
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    );
  });
} else {
  throw new Error(`usage: server.ts netlab|ws|bare [plain|deflate|takeover] (got ${kind})`);
}
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(
    `port ${typeof address === 'object' && address !== null ? address.port : 0}\n`,
  );
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'exit') process.exit(0); // a normal exit: --cpu-prof and --heap-prof write their files
  if (line !== 'rss') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`rss ${rss} ${heapUsed}\n`);
});
