import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectionLogger, type Logger } from 'common';
import { DRAIN_POLL_MS, WS_SERVER_HINT } from './constants.ts';
import { resolveOptions, type HttpServerOptions, type ResolvedOptions } from './options.ts';
import { clientErrorResponse, rawResponse } from './protocol/client-error.ts';
import { decideExpectation, ExpectDecision } from './protocol/expect.ts';
import { parseRequestTarget } from './protocol/request-target.ts';
import { handleConnect, type Tunnel } from './proxy.ts';
import { ROUTES } from './routes/index.ts';
import { matchRoute, routeTable, sendText, type RouteTable } from './routes/router.ts';

type ClientError = Error & { code?: string; bytesParsed?: number; reason?: string };

/** Per-connection state, kept from `connection` to the socket's `close`. */
interface Connection {
  logger: Logger;
  /** The response of the latest request on this socket (set per request; no listener). */
  current: ServerResponse | undefined;
}

/**
 * The book's HTTP server (§7.3) with production limits: `node:http` underneath, the routes of
 * `src/routes/`, and every server event handled on purpose (`request`, `checkContinue`,
 * `checkExpectation`, `connect`, `upgrade`, `clientError`). Create it with
 * {@link createHttpServer}; `main.ts` listens.
 */
export class HttpServer {
  /** The unstarted `http.Server` (pass it to `listen`/common's `serve`). */
  readonly server: Server;
  /** The validated options, defaults filled in. */
  readonly options: ResolvedOptions;
  readonly #routes: RouteTable;
  /** Open connections: their logger and the response they are working on (if any). */
  readonly #connections = new Map<Socket | Duplex, Connection>();
  readonly #tunnels = new Set<Tunnel>();
  #draining = false;

  constructor(options: HttpServerOptions = {}) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.#routes = routeTable([...ROUTES, ...o.routes]);
    this.server = createServer({
      headersTimeout: o.headersTimeout,
      requestTimeout: o.requestTimeout,
      keepAliveTimeout: o.keepAliveTimeout,
      connectionsCheckingInterval: o.connectionsCheckingInterval,
    });
    this.server.maxHeadersCount = o.maxHeadersCount;
    this.server.maxRequestsPerSocket = o.maxRequestsPerSocket;
    this.server.on('connection', (socket: Socket) => {
      const logger = connectionLogger(o.logger, socket);
      this.#connections.set(socket, { logger, current: undefined });
      logger.debug('connection');
      socket.once('close', () => this.#connections.delete(socket));
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      this.#onRequest(req, res),
    );
    this.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) =>
      this.#onExpect(req, res),
    );
    this.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
      this.#onExpect(req, res),
    );
    this.server.on('clientError', (err: ClientError, socket: Duplex) =>
      this.#onClientError(err, socket),
    );
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex) =>
      this.#onUpgrade(req, socket),
    );
    this.server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      handleConnect(req, socket, head, {
        allow: o.proxyAllow,
        logger: this.#logger(req.socket),
        tunnels: this.#tunnels,
      }),
    );
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Graceful shutdown, after `server.close()` stopped accepting (common's `serve` calls it):
   * every response not yet started and every new request on an open socket is answered with
   * `Connection: close`; idle keep-alive sockets are closed now and then every
   * {@link DRAIN_POLL_MS} ms as they become idle (a response finishing turns a busy socket
   * idle at any moment, so once is not enough); CONNECT tunnels are half-closed. Resolves
   * once every connection is gone or `signal` aborts (the caller destroys what is left).
   */
  async drain(signal: AbortSignal): Promise<void> {
    this.#draining = true;
    this.options.logger.info(
      {
        connections: this.#connections.size,
        tunnels: this.#tunnels.size,
      },
      'draining: no longer accepting; answering in-flight requests with Connection: close',
    );
    for (const { current } of this.#connections.values()) {
      if (current !== undefined && !current.headersSent) current.setHeader('Connection', 'close');
    }
    for (const tunnel of this.#tunnels) {
      tunnel.client.end();
      tunnel.upstream.end();
    }
    while (this.#connections.size > 0 && !signal.aborted) {
      this.server.closeIdleConnections();
      await sleep(DRAIN_POLL_MS, undefined, { ref: false }).catch(() => undefined);
    }
  }

  #logger(socket: Socket | Duplex): Logger {
    return this.#connections.get(socket)?.logger ?? this.options.logger;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const connection = this.#connections.get(req.socket);
    const logger = connection?.logger ?? this.options.logger;
    logger.debug({ method: req.method, url: req.url }, 'request');
    // No req.on('error'): IncomingMessage emits 'error' (client aborted) only to listeners.
    if (this.#draining) res.setHeader('Connection', 'close');
    if (connection !== undefined) connection.current = res;
    const target = parseRequestTarget(req.url);
    if (target === undefined) {
      sendText(res, 400, 'bad request-target\n', { Connection: 'close' });
      return;
    }
    const match = matchRoute(this.#routes, req.method ?? '', target.pathname);
    switch (match.kind) {
      case 'not-found':
        sendText(res, 404, `no route for ${target.pathname}\n`);
        return;
      case 'method-not-allowed':
        sendText(res, 405, `${req.method} not allowed on ${target.pathname}\n`, {
          Allow: match.allow.join(', '),
        });
        return;
      case 'found':
        break;
      default: {
        const never: never = match;
        throw new Error(`unhandled route match ${String(never)}`);
      }
    }
    const fail = (err: unknown): void => {
      logger.error({ err, method: req.method, url: req.url }, 'handler error');
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error\n', { Connection: 'close' });
      else res.destroy(); // a half-sent response cannot be fixed; a cut connection is honest
    };
    try {
      const done = match.handler({ req, res, target, maxBody: this.options.maxBody, logger });
      if (done instanceof Promise) done.catch(fail);
    } catch (err) {
      fail(err);
    }
  }

  #onExpect(req: IncomingMessage, res: ServerResponse): void {
    const verdict = decideExpectation(
      req.headers.expect,
      req.headers['content-length'],
      this.options.maxBody,
    );
    switch (verdict.decision) {
      case ExpectDecision.Reject:
        this.#logger(req.socket).info(
          { code: verdict.error?.code, expect: req.headers.expect },
          'expectation failed',
        );
        req.pause();
        sendText(res, 417, `${verdict.error?.message ?? 'expectation failed'}\n`, {
          Connection: 'close',
        });
        return;
      case ExpectDecision.Continue:
        if (
          matchRoute(this.#routes, req.method ?? '', parseRequestTarget(req.url)?.pathname ?? '')
            .kind === 'found'
        ) {
          res.writeContinue();
        } else {
          res.setHeader('Connection', 'close'); // the body the client may still send stays unread
        }
        this.#onRequest(req, res);
        return;
      case ExpectDecision.None:
        this.#onRequest(req, res);
        return;
      default: {
        const never: never = verdict.decision;
        throw new Error(`unhandled expectation ${String(never)}`);
      }
    }
  }

  #onClientError(err: ClientError, socket: Duplex): void {
    const { statusCode, bytes } = clientErrorResponse(err.code);
    this.#logger(socket).info(
      { code: err.code, reason: err.reason, bytesParsed: err.bytesParsed, statusCode },
      'client error',
    );
    const res = this.#connections.get(socket)?.current;
    const busy = res !== undefined && res.headersSent && !res.writableFinished;
    if (err.code === 'ECONNRESET' || !socket.writable || busy) {
      socket.destroy();
      return;
    }
    socket.end(bytes);
    socket.once('finish', () => socket.destroy());
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex): void {
    this.#logger(req.socket).info({ upgrade: req.headers.upgrade }, 'upgrade refused');
    const body = `this server does not switch protocols (Upgrade: ${req.headers.upgrade ?? ''}); WebSocket lives at ${WS_SERVER_HINT}\n`;
    socket.on('error', () => socket.destroy());
    socket.end(rawResponse(400, 'Bad Request', body));
    socket.once('finish', () => socket.destroy());
  }
}

/**
 * Creates the HTTP server, unstarted (no `listen`; see `main.ts`).
 *
 * @throws {HttpOptionError} for an invalid option (see `resolveOptions`).
 */
export function createHttpServer(options: HttpServerOptions = {}): HttpServer {
  return new HttpServer(options);
}
