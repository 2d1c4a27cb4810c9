/* global console */
// fastify 5 answering `GET /` like netlab's hello route (`text/plain`, `Hello World\n`),
// with fastify's defaults (no logger), on plain node: the framework contender.
import Fastify from 'fastify';
const HELLO = 'Hello World\n';
const app = Fastify();
app.get('/', (request, reply) => {
  reply.type('text/plain').send(HELLO);
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ msg: `listening on ${address}`, address }));
