import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  closeIdleHttpConnections,
  connectionLogger,
  ConnectionTracker,
  type Logger,
  type NetlabServer,
} from 'common';
import { assertNever } from 'common/protocol';
import { WS_SERVER_HINT } from './constants.ts';
import { resolveOptions, type HttpServerOptions, type ResolvedOptions } from './options.ts';
import { clientErrorResponse, rawResponse } from './protocol/client-error.ts';
import { decideExpectation, ExpectDecision } from './protocol/expect.ts';
import { parseRequestTarget } from './protocol/request-target.ts';
import { handleConnect, type Tunnel } from './proxy.ts';
import { ROUTES } from './routes/index.ts';
import { matchRoute, routeTable, sendText, type RouteTable } from './routes/router.ts';

/** What `node:http` passes to `clientError`: a parser error (`HPE_*`) or a timeout. */
type ParserError = Error & { code?: string; bytesParsed?: number; reason?: string };

/** Per-connection state, kept in {@link HttpServer.connections} from `connection` to `close`. */
export interface HttpConnection {
  /** The connection's logger (`conn` id, `remote`). */
  logger: Logger;
  /** The response of the latest request on this socket (set per request; no listener). */
  current: ServerResponse | undefined;
  /** The CONNECT tunnel this socket became, once open. */
  tunnel: Tunnel | undefined;
}

/**
 * The book's HTTP server (§7.3) with production limits: `node:http` underneath, the routes of
 * `src/routes/`, and every server event handled on purpose (`request`, `checkContinue`,
 * `checkExpectation`, `connect`, `upgrade`, `clientError`). Create it with
 * {@link createHttpServer}; common's `serve` (in `main.ts`) or the test harness listens.
 *
 * The handlers take `(req, res)` / `(req, socket)` and find the connection's state through
 * `req.socket`; none of them touches {@link server}.
 */
export class HttpServer implements NetlabServer<Server> {
  /** The unstarted `http.Server`. */
  readonly server: Server;
  /** Open connections: every accepted socket, with its logger and current response. */
  readonly connections = new ConnectionTracker<HttpConnection>();
  readonly scheme = 'http';
  /** The validated options, defaults filled in. */
  readonly options: ResolvedOptions;
  readonly #routes: RouteTable;
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
    this.connections.attach(this.server);
    this.server.on('connection', (socket: Socket) => this.#onConnection(socket));
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      this.#onRequest(req, res),
    );
    this.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) =>
      this.#onExpect(req, res),
    );
    this.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
      this.#onExpect(req, res),
    );
    this.server.on('clientError', (err: ParserError, socket: Duplex) =>
      this.#onClientError(err, socket),
    );
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex) =>
      this.#onUpgrade(req, socket),
    );
    this.server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#onConnect(req, socket, head),
    );
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Graceful shutdown, after `server.close()` stopped accepting (common's `serve` calls it):
   * every response not yet started and every new request on an open socket is answered with
   * `Connection: close`; CONNECT tunnels are half-closed; idle keep-alive sockets are closed
   * now and again as they become idle (common's `closeIdleHttpConnections`: a response
   * finishing turns a busy socket idle at any moment, so once is not enough). Resolves once
   * every connection is gone or `signal` aborts (the caller destroys what is left).
   */
  async drain(signal: AbortSignal): Promise<void> {
    this.#draining = true;
    let tunnels = 0;
    for (const { current, tunnel } of this.connections.values()) {
      if (current !== undefined && !current.headersSent) current.setHeader('Connection', 'close');
      if (tunnel !== undefined) {
        tunnels += 1;
        tunnel.client.end();
        tunnel.upstream.end();
      }
    }
    this.options.logger.info(
      { connections: this.connections.size, tunnels },
      'draining: no longer accepting; answering in-flight requests with Connection: close',
    );
    await closeIdleHttpConnections(this.server, this.connections, signal);
  }

  #onConnection(socket: Socket): void {
    const logger = connectionLogger(this.options.logger, socket);
    this.connections.set(socket, { logger, current: undefined, tunnel: undefined });
    logger.debug('connection');
  }

  #logger(socket: Duplex): Logger {
    return this.connections.get(socket)?.logger ?? this.options.logger;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const connection = this.connections.get(req.socket);
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
      default:
        assertNever(match, 'route match');
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
      default:
        assertNever(verdict.decision, 'expectation');
    }
  }

  #onClientError(err: ParserError, socket: Duplex): void {
    const { statusCode, bytes } = clientErrorResponse(err.code);
    this.#logger(socket).info(
      { code: err.code, reason: err.reason, bytesParsed: err.bytesParsed, statusCode },
      'client error',
    );
    const res = this.connections.get(socket)?.current;
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

  #onConnect(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const connection = this.connections.get(req.socket);
    const logger = connection?.logger ?? this.options.logger;
    void handleConnect(req, socket, head, {
      allow: this.options.proxyAllow,
      logger,
      connectTimeout: this.options.tunnelConnectTimeout,
      idleTimeout: this.options.tunnelIdleTimeout,
      onOpen: (tunnel) => {
        if (connection !== undefined) connection.tunnel = tunnel;
      },
    }).catch((err: unknown) => {
      logger.error({ err }, 'CONNECT handler error'); // a bug: handleConnect answers every failure
      socket.destroy();
    });
  }
}

/**
 * Creates the HTTP server, unstarted: hand it to common's `serve` (see `main.ts`) or to the
 * test harness's `startServer`.
 *
 * @throws {InvalidArgumentError} for an invalid option (see `resolveOptions`).
 */
export function createHttpServer(options: HttpServerOptions = {}): HttpServer {
  return new HttpServer(options);
}
