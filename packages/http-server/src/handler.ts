/**
 * http-server's request handling, for any server that emits `node:http`'s server events: an
 * `http.Server` (http-server), an `https.Server`, or an `http2.createSecureServer({ allowHTTP1:
 * true })` server (https-server), whose HTTP/1.1 connections run through `node:http` and whose
 * HTTP/2 streams arrive as the compatibility API's `Http2ServerRequest`/`Http2ServerResponse`.
 * One routing, one set of limits and one error mapping for every transport; the differences
 * are spelled out where they occur (and in `http-message.ts`).
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ConnectionTracker, Logger } from 'common';
import { assertNever } from 'common/protocol';
import { WS_SERVER_HINT } from './constants.ts';
import {
  abortResponse,
  closeConnectionHeader,
  discardRequestBody,
  isHttp2Request,
  type HttpResponse,
  type ServerRequest,
} from './http-message.ts';
import type { ResolvedOptions } from './options.ts';
import { clientErrorResponse, rawResponse } from './protocol/client-error.ts';
import { decideExpectation, ExpectDecision } from './protocol/expect.ts';
import { parseRequestTarget } from './protocol/request-target.ts';
import { handleConnect, type Tunnel } from './proxy.ts';
import { ROUTES } from './routes/index.ts';
import {
  matchRoute,
  RequestContext,
  routeTable,
  sendText,
  type RouteTable,
} from './routes/router.ts';

/** What `node:http` passes to `clientError`: a parser error (`HPE_*`) or a timeout. */
type ParserError = Error & { code?: string; bytesParsed?: number; reason?: string };

/**
 * Per-connection state, kept in the server's `ConnectionTracker`: under the socket for an
 * HTTP/1.x connection (for TLS: the `TLSSocket`, which is what `req.socket` is), under the
 * `ServerHttp2Session` for an HTTP/2 one (whose `req.socket` is a proxy, not the socket).
 */
export interface HttpConnection {
  /**
   * The connection's logger (`conn` id, `remote`). http-server makes it on first use
   * (`ConnectionState`); a plain object with the logger in it does as well.
   */
  readonly logger: Logger;
  /** HTTP/1.x: the response of the latest request on this socket (set per request; no listener). */
  current: HttpResponse | undefined;
  /** HTTP/1.x: the CONNECT tunnel this socket became, once open. */
  tunnel: Tunnel | undefined;
}

/**
 * The handlers of every server event (`request`, `checkContinue`, `checkExpectation`,
 * `connect`, `upgrade`, `clientError`), for HTTP/1.x and HTTP/2 requests. They take `(req,
 * res)` / `(req, socket)`, find the connection's state in `connections` (HTTP/1.x under
 * `req.socket`, HTTP/2 under `req.stream.session`) and never touch the server object.
 */
export class HttpHandler {
  readonly #options: ResolvedOptions;
  readonly #connections: ConnectionTracker<HttpConnection>;
  readonly #routes: RouteTable;
  /** Fields set on every routed response (https-server: HSTS). */
  readonly #responseHeaders: readonly [string, string][];
  #draining = false;

  constructor(
    options: ResolvedOptions,
    connections: ConnectionTracker<HttpConnection>,
    responseHeaders: Readonly<Record<string, string>> = {},
  ) {
    this.#options = options;
    this.#connections = connections;
    this.#routes = routeTable([...ROUTES, ...options.routes]);
    this.#responseHeaders = Object.entries(responseHeaders);
  }

  /** Wires the handlers to `server`'s events. */
  attach(server: EventEmitter): void {
    server.on('request', (req: ServerRequest, res: HttpResponse) => this.#onRequest(req, res));
    server.on('checkContinue', (req: ServerRequest, res: HttpResponse) => this.#onExpect(req, res));
    server.on('checkExpectation', (req: ServerRequest, res: HttpResponse) =>
      this.#onExpect(req, res),
    );
    server.on('clientError', (err: ParserError, socket: Duplex) =>
      this.#onClientError(err, socket),
    );
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => this.#onUpgrade(req, socket));
    // Same event name, two signatures: HTTP/1.x gives (req, socket, head), HTTP/2 (req, res).
    server.on(
      'connect',
      (req: ServerRequest, socketOrRes: Duplex | Http2ServerResponse, head?: Buffer) => {
        if (isHttp2Request(req)) this.#onConnectHttp2(req, socketOrRes as Http2ServerResponse);
        else this.#onConnect(req, socketOrRes as Duplex, head ?? Buffer.alloc(0));
      },
    );
  }

  /** True once {@link beginDrain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * The HTTP/1.x part of a drain: from now on every new request is answered with
   * `Connection: close`, and so is every response on an open HTTP/1.x connection whose head
   * has not gone out; CONNECT tunnels are half-closed. (HTTP/2 sessions are the server's to
   * close with GOAWAY.) Returns how many tunnels it ended.
   */
  beginDrain(): number {
    this.#draining = true;
    let tunnels = 0;
    for (const { current, tunnel } of this.#connections.values()) {
      if (current !== undefined && !current.headersSent) current.setHeader('Connection', 'close');
      if (tunnel !== undefined) {
        tunnels += 1;
        tunnel.client.end();
        tunnel.upstream.end();
      }
    }
    return tunnels;
  }

  /** The state of the connection a request came on, if tracked. */
  #connectionOf(req: ServerRequest): HttpConnection | undefined {
    const key: EventEmitter | undefined = isHttp2Request(req) ? req.stream.session : req.socket;
    return key === undefined ? undefined : this.#connections.get(key);
  }

  #onRequest(req: ServerRequest, res: HttpResponse): void {
    const connection = this.#connectionOf(req);
    // The connection's logger is made only when a line is written (see ConnectionState).
    if (this.#options.logger.isLevelEnabled('debug')) {
      (connection?.logger ?? this.#options.logger).debug(
        { method: req.method, url: req.url, httpVersion: req.httpVersion },
        'request',
      );
    }
    for (const [name, value] of this.#responseHeaders) res.setHeader(name, value);
    // No req.on('error'): IncomingMessage emits 'error' (client aborted) only to listeners.
    if (!isHttp2Request(req)) {
      if (this.#draining) res.setHeader('Connection', 'close');
      if (connection !== undefined) connection.current = res;
    }
    const target = parseRequestTarget(req.url);
    if (target === undefined) {
      sendText(res, 400, 'bad request-target\n', closeConnectionHeader(req));
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
    const ctx = new RequestContext(req, res, target, this.#options, connection);
    // No closure per request unless the handler is async (tsx/esbuild's keepNames also turns
    // each named closure into an Object.defineProperty call: measurable at 20,000 req/s).
    try {
      const done = match.handler(ctx);
      if (done instanceof Promise) done.catch((err: unknown) => this.#onHandlerError(ctx, err));
    } catch (err) {
      this.#onHandlerError(ctx, err);
    }
  }

  /** A route handler threw or rejected: 500 if nothing was sent yet, else the response is cut. */
  #onHandlerError({ req, res, logger }: RequestContext, err: unknown): void {
    logger.error({ err, method: req.method, url: req.url }, 'handler error');
    if (!res.headersSent) {
      try {
        sendText(res, 500, 'Internal Server Error\n', closeConnectionHeader(req));
        return;
      } catch {
        // HTTP/2: a forbidden field the handler stored makes every head throw; reset instead.
      }
    }
    abortResponse(res); // a half-sent response cannot be fixed; a cut is honest
  }

  #onExpect(req: ServerRequest, res: HttpResponse): void {
    for (const [name, value] of this.#responseHeaders) res.setHeader(name, value);
    const verdict = decideExpectation(
      req.headers.expect,
      req.headers['content-length'],
      this.#options.maxBody,
    );
    switch (verdict.decision) {
      case ExpectDecision.Reject:
        (this.#connectionOf(req)?.logger ?? this.#options.logger).info(
          { code: verdict.error?.code, expect: req.headers.expect },
          'expectation failed',
        );
        discardRequestBody(req, res);
        sendText(
          res,
          417,
          `${verdict.error?.message ?? 'expectation failed'}\n`,
          closeConnectionHeader(req),
        );
        return;
      case ExpectDecision.Continue:
        if (
          matchRoute(this.#routes, req.method ?? '', parseRequestTarget(req.url)?.pathname ?? '')
            .kind === 'found'
        ) {
          res.writeContinue();
        } else if (!isHttp2Request(req)) {
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

  /** HTTP/1.x only: `node:http` could not parse a request, or it timed out. */
  #onClientError(err: ParserError, socket: Duplex): void {
    const { statusCode, bytes } = clientErrorResponse(err.code);
    const connection = this.#connections.get(socket);
    (connection?.logger ?? this.#options.logger).info(
      { code: err.code, reason: err.reason, bytesParsed: err.bytesParsed, statusCode },
      'client error',
    );
    const res = connection?.current;
    const busy = res !== undefined && res.headersSent && !res.writableFinished;
    if (err.code === 'ECONNRESET' || !socket.writable || busy) {
      socket.destroy();
      return;
    }
    socket.end(bytes);
    socket.once('finish', () => socket.destroy());
  }

  /** HTTP/1.x only (HTTP/2 has no Upgrade, RFC 9113 §8.6). */
  #onUpgrade(req: IncomingMessage, socket: Duplex): void {
    (this.#connectionOf(req)?.logger ?? this.#options.logger).info(
      { upgrade: req.headers.upgrade },
      'upgrade refused',
    );
    const body = `this server does not switch protocols (Upgrade: ${req.headers.upgrade ?? ''}); WebSocket lives at ${WS_SERVER_HINT}\n`;
    socket.on('error', () => socket.destroy());
    socket.end(rawResponse(400, 'Bad Request', body));
    socket.once('finish', () => socket.destroy());
  }

  #onConnect(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const connection = this.#connectionOf(req);
    const logger = connection?.logger ?? this.#options.logger;
    void handleConnect(req, socket, head, {
      allow: this.#options.proxyAllow,
      logger,
      connectTimeout: this.#options.tunnelConnectTimeout,
      idleTimeout: this.#options.tunnelIdleTimeout,
      onOpen: (tunnel) => {
        if (connection !== undefined) connection.tunnel = tunnel;
      },
    }).catch((err: unknown) => {
      logger.error({ err }, 'CONNECT handler error'); // a bug: handleConnect answers every failure
      socket.destroy();
    });
  }

  /**
   * HTTP/2 CONNECT (RFC 9113 §8.5) arrives as a request with a response, not as a socket: the
   * tunnel would be one stream. Not implemented; refused like a CONNECT the proxy does not
   * allow.
   */
  #onConnectHttp2(req: Http2ServerRequest, res: Http2ServerResponse): void {
    (this.#connectionOf(req)?.logger ?? this.#options.logger).info(
      { target: req.headers[':authority'] },
      'CONNECT refused (HTTP/2)',
    );
    for (const [name, value] of this.#responseHeaders) res.setHeader(name, value);
    sendText(res, 403, 'CONNECT tunnels are HTTP/1.1-only here\n');
  }
}
