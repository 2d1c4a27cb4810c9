/**
 * The HTTP side of the WebSocket server, for requests that are not upgrades: the demo page at
 * `GET /` (chat box + frame inspector), a 400 that says what is missing for a plain request to
 * a WebSocket path, 404 for anything else.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HandshakeError } from './errors.ts';
import { validateUpgradeRequest, type AcceptOptions } from './protocol/handshake.ts';

const PAGE = readFileSync(new URL('./page/index.html', import.meta.url));

/** Answers one plain HTTP request; `endpoints` are the WebSocket paths (`/echo` …). */
export function answerHttpRequest(
  req: IncomingMessage,
  res: ServerResponse,
  endpoints: ReadonlyMap<string, unknown>,
  accept: AcceptOptions,
): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': PAGE.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : PAGE);
    return;
  }
  if (endpoints.has(path)) {
    // A WebSocket path reached without `Connection: Upgrade`: report what is wrong (400, or
    // 426/403 when the request would fail the handshake for that reason first).
    let err: HandshakeError;
    try {
      validateUpgradeRequest(req, accept);
      err = new HandshakeError('ERR_WS_BAD_CONNECTION', 400, 'not an upgrade request');
    } catch (e) {
      if (!(e instanceof HandshakeError)) throw e;
      err = e;
    }
    res.writeHead(err.statusCode, {
      ...err.headers,
      Connection: 'close',
      'Content-Type': 'text/plain; charset=utf-8',
    });
    res.end(`${err.message}\n`);
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('not found\n');
}
