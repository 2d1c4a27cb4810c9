import type { Handler } from './router.ts';

/**
 * `GET /headers-demo` (§7.3.2 "HTTP 响应"): shows how response headers are built.
 * 1. `setHeader` twice on one name: the second value replaces the first.
 * 2. `setHeader('Set-Cookie', [...])`: an array becomes one header line per value.
 * 3. `writeHead(status, headers)`: merges with what `setHeader` stored; on a clash
 *    `writeHead` wins.
 * 4. After the head is written, `setHeader` throws `ERR_HTTP_HEADERS_SENT`.
 * The body reports what happened, written in two `write`s (so it goes out chunked).
 */
export const headersDemo: Handler = ({ res }) => {
  res.setHeader('X-Demo', 'first setHeader');
  res.setHeader('X-Demo', 'second setHeader replaces the first');
  res.setHeader('X-Set-By', 'setHeader');
  res.setHeader('Set-Cookie', ['demo=1; Path=/; HttpOnly', 'theme=dark; Path=/; SameSite=Lax']);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.writeHead(200, { 'X-Set-By': 'writeHead wins over setHeader', 'X-Written-By': 'writeHead' });
  let late: string;
  try {
    res.setHeader('X-Too-Late', 'never sent');
    late = 'setHeader after writeHead did not throw (unexpected)';
  } catch (err) {
    late = `setHeader after writeHead threw ${(err as NodeJS.ErrnoException).code}`;
  }
  res.write('headers-demo: see the response headers (curl -i).\n');
  res.end(`${late}\n`);
};
