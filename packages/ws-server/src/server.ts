/**
 * `createWsServer(options)`: a node:http server whose `upgrade` event performs the WebSocket
 * handshake (book §7.4.1, RFC 6455 §4.2) and hands the socket to a {@link WebSocket}. Serves
 * the demo page at `/`. Never listens by itself: `main.ts` (or a test) does.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { connectionFields, silentLogger, type Logger } from 'common';
import {
  CloseCode,
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_HEARTBEAT_INTERVAL,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_PROTOCOLS,
} from './constants.ts';
import { createEndpoints, type Endpoint } from './endpoints.ts';
import { HandshakeError, InvalidArgumentError, type WsProtocolError } from './errors.ts';
import {
  handshakeErrorResponse,
  switchingProtocolsResponse,
  validateUpgradeRequest,
} from './protocol/handshake.ts';
import { WebSocket } from './websocket.ts';

export interface WsServerOptions {
  /** Logger (pino). Default: silent. */
  logger?: Logger;
  /** Largest message accepted, in bytes. Default 16 MiB; over it the connection closes with 1009. */
  maxPayload?: number;
  /** Ping every client this often, in ms, and terminate one that missed the previous pong. 0 = off. Default 30 000. */
  heartbeatInterval?: number;
  /** Wait for the peer's close after ours, in ms, then destroy the socket. Default 5000. */
  closeTimeout?: number;
  /** Time a client has to send the upgrade request headers, in ms. Default 10 000. */
  handshakeTimeout?: number;
  /** When set, browsers (requests with `Origin`) must come from one of these origins, else 403. */
  allowedOrigins?: readonly string[];
  /** Subprotocols offered to clients. Default `['chat', 'superchat']` (the book's). */
  protocols?: readonly string[];
}

/** A socket error during a refused handshake: nothing to report to the peer any more. */
function destroySocket(this: Socket): void {
  this.destroy();
}

/** Log fields of one connection (common's `connectionFields`): a counter and the peer's address. */
type ConnectionFields = ReturnType<typeof connectionFields>;

interface ConnectionState {
  fields: ConnectionFields;
  /** False after a heartbeat ping until the pong arrives. */
  alive: boolean;
}

const PAGE = readFileSync(new URL('./page/index.html', import.meta.url));

/** Node-style option check (`validateInteger`): an integer in [min, 2³¹-1], named in the error. */
function validateIntegerOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > 2 ** 31 - 1) {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_VALUE',
      `options.${name} must be an integer between ${min} and ${2 ** 31 - 1} (got ${String(value)})`,
    );
  }
  return value;
}

/**
 * A WebSocket server. Events: `connection` (ws: {@link WebSocket}, req: IncomingMessage),
 * `clientError` (err: WsProtocolError, ws: a peer broke the protocol; logged, only that
 * connection is failed, the server keeps serving).
 */
export class WsServer extends EventEmitter {
  /** The node:http server to listen on. */
  readonly httpServer: Server;
  /** Open connections. */
  readonly clients = new Set<WebSocket>();
  readonly #logger: Logger;
  readonly #maxPayload: number;
  readonly #closeTimeout: number;
  readonly #heartbeatInterval: number;
  readonly #allowedOrigins: readonly string[] | undefined;
  readonly #protocols: readonly string[];
  readonly #endpoints: Map<string, Endpoint>;
  /** Per-connection log fields and heartbeat flag. */
  readonly #state = new Map<WebSocket, ConnectionState>();
  // Listeners shared by every connection (`this` is the connection): no closures per connection.
  readonly #onPong: (this: WebSocket) => void;
  readonly #onClientError: (this: WebSocket, err: WsProtocolError) => void;
  readonly #onClientClose: (this: WebSocket, code: number, reason: string) => void;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(options: WsServerOptions = {}) {
    super();
    this.#logger = options.logger ?? silentLogger();
    const { clients } = this;
    const state = this.#state;
    const logger = this.#logger;
    const emit = (event: string, ...args: unknown[]): boolean => this.emit(event, ...args);
    this.#onPong = function (this: WebSocket) {
      const s = state.get(this);
      if (s !== undefined) s.alive = true;
    };
    this.#onClientError = function (this: WebSocket, err: WsProtocolError) {
      logger.info({ ...state.get(this)?.fields, code: err.code }, `protocol error: ${err.message}`);
      emit('clientError', err, this);
    };
    this.#onClientClose = function (this: WebSocket, code: number, reason: string) {
      logger.info({ ...state.get(this)?.fields, code, reason }, 'websocket closed');
      clients.delete(this);
      state.delete(this);
    };
    this.#maxPayload = validateIntegerOption(
      'maxPayload',
      options.maxPayload,
      DEFAULT_MAX_PAYLOAD,
      1,
    );
    this.#heartbeatInterval = validateIntegerOption(
      'heartbeatInterval',
      options.heartbeatInterval,
      DEFAULT_HEARTBEAT_INTERVAL,
      0,
    );
    this.#closeTimeout = validateIntegerOption(
      'closeTimeout',
      options.closeTimeout,
      DEFAULT_CLOSE_TIMEOUT,
      1,
    );
    const handshakeTimeout = validateIntegerOption(
      'handshakeTimeout',
      options.handshakeTimeout,
      DEFAULT_HANDSHAKE_TIMEOUT,
      1,
    );
    this.#allowedOrigins = options.allowedOrigins;
    this.#protocols = options.protocols ?? DEFAULT_PROTOCOLS;
    for (const p of this.#protocols) {
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p))
        throw new InvalidArgumentError(
          'ERR_INVALID_ARG_VALUE',
          `options.protocols: '${p}' is not a token`,
        );
    }
    this.#endpoints = createEndpoints(this.#logger);
    this.httpServer = createServer({
      headersTimeout: handshakeTimeout,
      requestTimeout: handshakeTimeout,
      connectionsCheckingInterval: Math.min(1_000, handshakeTimeout),
    });
    this.httpServer.on('request', (req, res) => this.#onRequest(req, res));
    this.httpServer.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.#onUpgrade(req, socket, head),
    );
    this.httpServer.on('listening', () => this.#startHeartbeat());
    this.httpServer.on('close', () => clearInterval(this.#heartbeat));
  }

  /**
   * Sends close `code` (default 1001, going away) to every client and resolves once every
   * connection has closed (each one is destroyed `closeTimeout` after its close frame at the
   * latest). New upgrades are refused with 503 from now on. `serve()`'s drain step.
   */
  async closeAll(
    code: number = CloseCode.GoingAway,
    reason = 'server shutting down',
  ): Promise<void> {
    this.#closing = true;
    const closed = [...this.clients].map(
      (ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())),
    );
    for (const ws of this.clients) ws.close(code, reason);
    await Promise.all(closed);
  }

  #startHeartbeat(): void {
    if (this.#heartbeatInterval === 0 || this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(() => {
      for (const ws of this.clients) {
        const s = this.#state.get(ws);
        if (s?.alive === false) {
          this.#logger.info(
            { remote: ws.remoteAddress },
            'heartbeat: no pong since the last ping, terminating',
          );
          ws.terminate();
          continue;
        }
        if (s !== undefined) s.alive = false;
        if (ws.readyState === WebSocket.OPEN) ws.ping();
      }
    }, this.#heartbeatInterval);
    this.#heartbeat.unref();
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
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
    if (this.#endpoints.has(path)) {
      // A WebSocket path reached without `Connection: Upgrade`: report what is wrong.
      try {
        validateUpgradeRequest(req, {
          protocols: this.#protocols,
          allowedOrigins: this.#allowedOrigins,
        });
        throw new HandshakeError('ERR_WS_BAD_CONNECTION', 400, 'not an upgrade request');
      } catch (err) {
        const e = err as HandshakeError;
        res.writeHead(e.statusCode ?? 400, {
          ...e.headers,
          Connection: 'close',
          'Content-Type': 'text/plain; charset=utf-8',
        });
        res.end(`${e.message}\n`);
        return;
      }
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  }

  #reject(socket: Socket, err: HandshakeError, who: ConnectionFields): void {
    this.#logger.info(
      { ...who, code: err.code, status: err.statusCode },
      `handshake refused: ${err.message}`,
    );
    socket.on('error', destroySocket);
    socket.end(handshakeErrorResponse(err, STATUS_CODES[err.statusCode] ?? 'Error'), () =>
      socket.destroy(),
    );
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    // Two small fields instead of a pino child logger per connection: a child costs ~2 KB of
    // heap for as long as the connection lives (measured with 10,000 idle connections).
    const who: ConnectionFields = connectionFields(socket);
    const logger = this.#logger;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const endpoint = this.#endpoints.get(url.pathname);
    if (endpoint === undefined) {
      this.#reject(
        socket,
        new HandshakeError('ERR_WS_NOT_FOUND', 404, `no WebSocket endpoint at ${url.pathname}`),
        who,
      );
      return;
    }
    if (this.#closing) {
      this.#reject(
        socket,
        new HandshakeError('ERR_WS_SHUTTING_DOWN', 503, 'server is shutting down'),
        who,
      );
      return;
    }
    let accepted;
    try {
      accepted = validateUpgradeRequest(req, {
        protocols: this.#protocols,
        allowedOrigins: this.#allowedOrigins,
      });
    } catch (err) {
      if (!(err instanceof HandshakeError)) throw err;
      this.#reject(socket, err, who);
      return;
    }
    socket.write(switchingProtocolsResponse(accepted));
    const ws = new WebSocket(socket, {
      role: 'server',
      protocol: accepted.protocol,
      maxPayload: this.#maxPayload,
      closeTimeout: this.#closeTimeout,
      head,
    });
    this.clients.add(ws);
    this.#state.set(ws, { fields: who, alive: true });
    logger.info({ ...who, path: url.pathname, protocol: accepted.protocol }, 'websocket open');
    ws.on('pong', this.#onPong);
    ws.on('error', this.#onClientError);
    ws.on('close', this.#onClientClose);
    endpoint(ws, url);
    this.emit('connection', ws, req);
  }
}

/** Creates an unstarted WebSocket server (listen on `server.httpServer`). @throws {InvalidArgumentError} `ERR_INVALID_ARG_VALUE`. */
export function createWsServer(options: WsServerOptions = {}): WsServer {
  return new WsServer(options);
}
