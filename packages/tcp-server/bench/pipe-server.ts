/**
 * The bare contender of the loopback echo cases, the book's one-line echo server and the
 * ceiling any echo over `net` can reach: `net.createServer((socket) => socket.pipe(socket))`,
 * with only an `error` listener (without one a client's reset would crash it). No greeting,
 * no idle timeout, no logging, no half-close handling. Started exactly like `main.ts` (pinned,
 * `node --import tsx`), it prints the same `listening on` line for common's `startMain`.
 */
import { createServer } from 'node:net';
import { listen, listeningMessage } from 'common';

const server = createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});
const address = `tcp://${await listen(server, { host: '127.0.0.1', port: 0 })}`;
process.stdout.write(`${JSON.stringify({ msg: listeningMessage(address), address })}\n`);
process.on('SIGTERM', () => process.exit(0));
