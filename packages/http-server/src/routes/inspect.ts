import type { Handler } from './router.ts';

/**
 * `GET /inspect`: how `node:http` parsed this request (§7.3.2 "HTTP 请求"): `method`, `url`,
 * `httpVersion`, `headers` (names lower-cased, duplicates joined or dropped per Node's rules)
 * and `rawHeaders` (names and values exactly as received, in order).
 */
export const inspect: Handler = ({ req, res }) => {
  const body = `${JSON.stringify(
    {
      method: req.method,
      url: req.url,
      httpVersion: req.httpVersion,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
    },
    null,
    2,
  )}\n`;
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
};
