/**
 * `--redirect-http PORT`: a plain-HTTP listener that answers every request with 308 Permanent
 * Redirect to the same path on the HTTPS server (RFC 9110 §15.4.9: method and body are kept,
 * unlike 301). It sends no HSTS: over plain HTTP the header means nothing (RFC 6797 §8.1) and
 * only the HTTPS answer can set it. Every answer closes its connection, so the listener never
 * holds idle sockets; `HttpsServer.drain` closes it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'common';
import { REDIRECT_STATUS } from './constants.ts';
import { redirectLocation } from './protocol/redirect.ts';

export interface RedirectServerOptions {
  /** The HTTPS port to redirect to (read per request: the HTTPS server may listen on port 0). */
  httpsPort: () => number;
  /** The host name used when a request has no usable `Host` header. */
  fallbackHost: () => string;
  /** Time to receive a request head, in ms (http-server's `headersTimeout`). */
  headersTimeout: number;
  /** Header fields parsed per request (http-server's `maxHeadersCount`). */
  maxHeadersCount: number;
  logger: Logger;
}

/** The unstarted redirect listener (`server`); `main.ts` listens on it with common's `listen`. */
export class RedirectServer {
  readonly server: Server;

  constructor(options: RedirectServerOptions) {
    this.server = createServer({
      headersTimeout: options.headersTimeout,
      requestTimeout: options.headersTimeout,
    });
    this.server.maxHeadersCount = options.maxHeadersCount;
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const location = redirectLocation(
        req.headers.host,
        req.url,
        options.httpsPort(),
        options.fallbackHost(),
      );
      options.logger.debug({ url: req.url, location }, 'redirect to https');
      const body = `moved permanently to ${location}\n`;
      res.writeHead(REDIRECT_STATUS, {
        Location: location,
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
      });
      res.end(body);
    });
  }
}
