/* global console */
// The ceiling: the book's first server (§7.3), 4 lines of node:http, nothing else.
import http from 'node:http';
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World\n');
});
server.listen(0, '127.0.0.1', () =>
  console.log(JSON.stringify({ msg: 'listening', address: `127.0.0.1:${server.address().port}` })),
);
