/* global console */
// The ceiling: the book's first server (§7.3), 4 lines of node:http, nothing else. Plain node
// cannot import common's TypeScript, so the one `listening on` line (common/src/listening.ts,
// what the harness's startMain waits for) is written out by hand.
import http from 'node:http';
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World\n');
});
server.listen(0, '127.0.0.1', () => {
  const address = `http://127.0.0.1:${server.address().port}`;
  console.log(JSON.stringify({ msg: `listening on ${address}`, address }));
});
