/* global process */
// The bare §7.5.2 server alone in a plain `node` process (no tsx, no netlab modules): the
// ceiling as the issue measured it. Same as `bare` in bench/server.ts: `tls.createServer` with
// the ECDSA certificate, the CA and `requestCert`, a greeting, `socket.pipe(socket)`. argv[2]:
// `{ ca, cert, key }` paths as JSON. Prints `{"bareProcess":PORT}`; exits when stdin closes.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const { ca, cert, key } = JSON.parse(process.argv[2] ?? '{}');
const read = (path) => readFileSync(path);
const server = tls.createServer(
  { cert: read(cert), key: read(key), ca: read(ca), requestCert: true },
  (socket) => {
    socket.on('error', () => socket.destroy());
    socket.write('welcome!\n');
    socket.pipe(socket);
  },
);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ bareProcess: server.address().port })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
