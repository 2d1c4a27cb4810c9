import type { Handler } from './router.ts';

const HELLO = 'Hello World\n';

/** `GET /`: the book's first server (§7.3), `200 text/plain` `Hello World\n`. */
export const hello: Handler = ({ res }) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': HELLO.length });
  res.end(HELLO);
};
