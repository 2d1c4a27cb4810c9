/**
 * One benchmark server process: `node --import tsx bench/server.ts netlab|bare`. Binds
 * 127.0.0.1 on an ephemeral port and prints `port N`.
 * - `netlab`: this package's `createUdpServer()` (echo, no rate limit, silent logger);
 * - `bare`: the minimal `node:dgram` echo, the ceiling: `socket.send(msg, rinfo.port, rinfo.address)`.
 */
import { createSocket } from 'node:dgram';
import { createUdpServer } from '../src/server.ts';

const kind = process.argv[2];
let socket;
if (kind === 'netlab') {
  socket = createUdpServer().server;
} else if (kind === 'bare') {
  const bare = createSocket('udp4');
  bare.on('message', (msg, rinfo) => bare.send(msg, rinfo.port, rinfo.address));
  socket = bare;
} else {
  throw new Error(`usage: server.ts netlab|bare (got ${kind})`);
}
socket.bind(0, '127.0.0.1', () => process.stdout.write(`port ${socket.address().port}\n`));
