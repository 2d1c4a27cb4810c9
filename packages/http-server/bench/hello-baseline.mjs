/* global console */
// The ceiling: the book's first server (§7.3) in node:http and nothing else, answering like
// netlab's `GET /` (writeHead with Content-Type and Content-Length, one end). Plain node
// cannot import common's TypeScript, so the one `listening on` line
// (common/src/listening.ts, what the harness's startMain waits for) is written out by hand.
import http from 'node:http';
const HELLO = 'Hello World\n';
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.length });
  res.end(HELLO);
});
server.listen(0, '127.0.0.1', () => {
  const address = `http://127.0.0.1:${server.address().port}`;
  console.log(JSON.stringify({ msg: `listening on ${address}`, address }));
});
