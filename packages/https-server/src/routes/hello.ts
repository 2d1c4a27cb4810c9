import type { Handler } from 'http-server';
import { HELLO } from '../constants.ts';

/**
 * `GET /`: the book's HTTPS server (§7.5.3), `res.writeHead(200); res.end("hello world\n")`,
 * with a type and a length. The same bytes over HTTP/1.1 and HTTP/2.
 */
export const hello: Handler = ({ res }) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.length });
  res.end(HELLO);
};
