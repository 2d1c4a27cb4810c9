/* global console */
// fastify 5 answering `GET /` like netlab's hello route (`text/plain`, `Hello World\n`), with
// fastify's defaults (no logger), on plain node: the framework contender. JavaScript on
// purpose: `pnpm starter` does not carry fastify into an exported project (its npm install
// would resolve light-my-request 6.8, whose cookie 2 needs Node >= 22; netlab pins 6.6.0 in
// the workspace), and bench/main.ts leaves this contender out when fastify is not installed.
import Fastify from 'fastify';

const HELLO = 'Hello World\n';
const app = Fastify();
app.get('/', (request, reply) => {
  reply.type('text/plain').send(HELLO);
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
// The one `listening on` line common's startMain waits for (common/src/listening.ts).
console.log(JSON.stringify({ msg: `listening on ${address}`, address }));
