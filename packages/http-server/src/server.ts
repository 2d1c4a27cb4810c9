import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { closeIdleHttpConnections, ConnectionTracker, type NetlabServer } from 'common';
import { ConnectionState } from './connection.ts';
import { HttpHandler, type HttpConnection } from './handler.ts';
import { resolveOptions, type HttpServerOptions, type ResolvedOptions } from './options.ts';

/**
 * The book's HTTP server (§7.3) with production limits: `node:http` underneath, the routes of
 * `src/routes/`, and every server event handled on purpose (`request`, `checkContinue`,
 * `checkExpectation`, `connect`, `upgrade`, `clientError`; see `handler.ts`, which https-server
 * shares). Create it with {@link createHttpServer}; common's `serve` (in `main.ts`) or the test
 * harness listens.
 *
 * Only the constructor (`createServer` and the limits on it) and {@link drain} know the
 * server is an `http.Server`; the handlers take `(req, res)` / `(req, socket)` and find the
 * connection's state through `req.socket`.
 */
export class HttpServer implements NetlabServer<Server> {
  /** The unstarted `http.Server`. */
  readonly server: Server;
  /** Open connections: every accepted socket, with its logger and current response. */
  readonly connections = new ConnectionTracker<HttpConnection>();
  readonly scheme = 'http';
  /** The validated options, defaults filled in. */
  readonly options: ResolvedOptions;
  readonly #handler: HttpHandler;

  constructor(options: HttpServerOptions = {}) {
    this.options = resolveOptions(options);
    const o = this.options;
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
    this.#handler = new HttpHandler(o, this.connections);
    this.#handler.attach(this.server);
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#handler.draining;
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
    const tunnels = this.#handler.beginDrain();
    this.options.logger.info(
      { connections: this.connections.size, tunnels },
      'draining: no longer accepting; answering in-flight requests with Connection: close',
    );
    await closeIdleHttpConnections(this.server, this.connections, signal);
  }

  #onConnection(socket: Socket): void {
    const state = new ConnectionState(this.options.logger, socket);
    this.connections.set(socket, state);
    if (this.options.logger.isLevelEnabled('debug')) state.logger.debug('connection');
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
