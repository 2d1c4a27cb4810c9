/**
 * The benchmark's server process (spawned pinned to CPU 0 by bench/main.ts), one port each:
 * - `ecdsa`: the TLS echo server with the dev PKI's ECDSA P-256 certificate, logging at `info`
 *   (what `pnpm start` runs; the lines go to /dev/null, but every one is built and written);
 * - `rsa`: the same with an RSA-2048 certificate;
 * - `bare`: the bare §7.5.2 server, `tls.createServer` + `socket.pipe(socket)`, same ECDSA
 *   certificate and CA, same `requestCert`, nothing else (Node's defaults): the ceiling, in the
 *   same process so that both share one heap and one garbage collector;
 * - `tcp`: plain TCP echo with tcp-server's handleEchoConnection (same greeting).
 * Prints one JSON line with the ports and exits when stdin closes (bench/main.ts reads its CPU
 * time from /proc). bench/bare-echo.mjs is the bare server again, alone in a plain node.
 */
import { openSync, readFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import tls from 'node:tls';
import { createLogger, listen, silentLogger } from 'common';
import { handleEchoConnection } from 'tcp-server';
import { GREETING, createTlsEchoServer } from '../src/index.ts';

interface Config {
  ca: string;
  ecdsa: { cert: string; key: string };
  rsa: { cert: string; key: string };
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const devNull = openSync('/dev/null', 'w');
const logger = createLogger({
  name: 'tls-echo',
  level: 'info',
  format: 'json',
  destination: { write: (line: string) => void writeSync(devNull, line) },
});
const read = (path: string): Buffer => readFileSync(path);
const ca = read(config.ca);
const ecdsa = { cert: read(config.ecdsa.cert), key: read(config.ecdsa.key) };

const servers: Record<string, Server> = {
  ecdsa: createTlsEchoServer({ ...ecdsa, ca, logger }).server,
  rsa: createTlsEchoServer({ cert: read(config.rsa.cert), key: read(config.rsa.key), ca, logger })
    .server,
  bare: tls.createServer({ ...ecdsa, ca, requestCert: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    socket.write(GREETING);
    socket.pipe(socket);
  }),
  tcp: createServer({ allowHalfOpen: true }, (socket) => {
    handleEchoConnection(socket, { logger: silentLogger(), greeting: GREETING });
  }),
};
const ports: Record<string, number> = {};
for (const [name, server] of Object.entries(servers)) {
  const address = await listen(server, { host: '127.0.0.1', port: 0 });
  ports[name] = Number(address.split(':').pop());
}
process.stdout.write(`${JSON.stringify(ports)}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
