/**
 * The benchmark's server process (spawned pinned to CPU 0 by bench/main.ts): the TLS echo
 * server with the ECDSA P-256 certificate, the same with an RSA-2048 certificate, and a plain
 * TCP echo (tcp-server's handleEchoConnection, same greeting) as the no-encryption baseline.
 * Prints one JSON line with the three ports and exits when stdin closes (bench/main.ts reads
 * its CPU time from /proc).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { listen, silentLogger } from 'common';
import { handleEchoConnection } from 'tcp-server';
import { GREETING, createTlsEchoServer } from '../src/index.ts';

interface Config {
  ca: string;
  ecdsa: { cert: string; key: string };
  rsa: { cert: string; key: string };
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const logger = silentLogger();
const read = (path: string): Buffer => readFileSync(path);
const ca = read(config.ca);

const servers: Record<string, Server> = {
  ecdsa: createTlsEchoServer({
    cert: read(config.ecdsa.cert),
    key: read(config.ecdsa.key),
    ca,
    logger,
  }).server,
  rsa: createTlsEchoServer({ cert: read(config.rsa.cert), key: read(config.rsa.key), ca, logger })
    .server,
  tcp: createServer({ allowHalfOpen: true }, (socket) => {
    handleEchoConnection(socket, { logger, greeting: GREETING });
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
