/**
 * `createWsServer(options)`: a node:http server whose `upgrade` event performs the WebSocket
 * handshake (book §7.4.1, RFC 6455 §4.2) and hands the socket to a {@link WebSocket}. Serves
 * the demo page at `/`. Never listens by itself: `main.ts` (`serve()`) or a test does.
 */
import { EventEmitter } from 'node:events';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import {
  closeIdleHttpConnections,
  ConnectionTracker,
  connectionFields,
  InvalidArgumentError,
  resolveLimits,
  silentLogger,
  type LimitOptions,
  type Logger,
  type NetlabServer,
} from 'common';
import { InProcessChatBus, type ChatBus } from './chat/bus.ts';
import {
  ClientMonitor,
  ClientSet,
  type ConnectionFields,
  type ConnectionState,
  type WsConnections,
} from './clients.ts';
import { connectionSettings, type ConnectionSettings } from './connection-settings.ts';
import { CloseCode, DEFAULT_PROTOCOLS } from './constants.ts';
import {
  resolveDeflateOptions,
  type DeflateSettings,
  type PerMessageDeflateOptions,
} from './deflate/options.ts';
import type { NegotiatedDeflate } from './deflate/per-message-deflate.ts';
import { createEndpoints, type Endpoint } from './endpoints.ts';
import { answerHttpRequest } from './page.ts';
import { HandshakeError } from './errors.ts';
import { LIMITS } from './limits.ts';
import { encodeClosePayload } from './protocol/close.ts';
import { formatExtension, parseExtensions } from './protocol/extensions.ts';
import {
  handshakeErrorResponse,
  header,
  isToken,
  switchingProtocolsResponse,
  validateUpgradeRequest,
  type AcceptOptions,
  type UpgradeRequest,
} from './protocol/handshake.ts';
import { negotiateDeflate } from './protocol/permessage-deflate.ts';
import { WebSocket } from './websocket.ts';

/**
 * Options of {@link createWsServer}. The limits (`maxPayload`, `heartbeatInterval`,
 * `closeTimeout`, `handshakeTimeout`, `chatMaxBuffered`) take their defaults and bounds from
 * `LIMITS` in `limits.ts`, the table the CLI's flags read too.
 */
export interface WsServerOptions extends LimitOptions<typeof LIMITS> {
  /** Logger (pino). Default: silent. */
  logger?: Logger;
  /** Largest message accepted, in bytes. Default 16 MiB; over it the connection closes with 1009. */
  maxPayload?: number | undefined;
  /** Ping every client this often, in ms, and terminate one that missed the previous pong. 0 = off. Default 30 000. */
  heartbeatInterval?: number | undefined;
  /** Wait for the peer's close after ours, in ms, then destroy the socket. Default 5000. */
  closeTimeout?: number | undefined;
  /** Time a client has to send the upgrade request headers, in ms (else 408). Default 10 000. */
  handshakeTimeout?: number | undefined;
  /** `/chat` skips a member with more unflushed bytes than this. Default 1 MiB. */
  chatMaxBuffered?: number | undefined;
  /** When set, browsers (requests with `Origin`) must come from one of these origins, else 403. */
  allowedOrigins?: readonly string[];
  /** Subprotocols offered to clients, HTTP tokens. Default `['chat', 'superchat']` (the book's). */
  protocols?: readonly string[];
  /**
   * permessage-deflate (RFC 7692): `true` for the defaults, an object to tune it. Default off,
   * like `ws`: compression costs CPU on every message and, with context takeover, ~300 KiB
   * per connection (see the README).
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /**
   * What carries `/chat` messages to the members of a room in other processes: a
   * `ClusterChatBus` in `--workers` workers, a `RedisChatBus` across machines (see
   * `chat/bus.ts`). Default: a new `InProcessChatBus` (this process only). A bus serves one
   * server, which closes it at the end of {@link WsServer.drain}.
   */
  chatBus?: ChatBus;
}

/** The reason sent with close 1001 by {@link WsServer.drain}. */
const SHUTDOWN_REASON = 'server shutting down';

/** A socket error during a refused handshake: nothing to report to the peer any more. */
function destroySocket(this: Socket): void {
  this.destroy();
}

/**
 * A WebSocket server on the server contract (common's `NetlabServer`): `server` is the
 * node:http server to listen on, `connections` tracks its sockets and keeps a
 * {@link ConnectionState} under every open {@link WebSocket}, and `drain` sends close 1001 to
 * every client. Events: `connection` (ws: {@link WebSocket}, req: IncomingMessage),
 * `clientError` (err: WsProtocolError, ws: a peer broke the protocol; logged, only that
 * connection is failed, the server keeps serving).
 */
export class WsServer extends EventEmitter implements NetlabServer<Server> {
  /** The node:http server to listen on (serves the page, answers upgrades). */
  readonly server: Server;
  /** Every accepted socket, and the state of every open WebSocket (until its `close`). */
  readonly connections: WsConnections = new ConnectionTracker<ConnectionState, WebSocket>();
  /** The open WebSockets, like `ws`'s `wss.clients`: a live read-only view of `connections`. */
  readonly clients: ReadonlySet<WebSocket> = new ClientSet(this.connections);
  readonly scheme = 'ws';
  readonly #logger: Logger;
  /** Shared by every connection: limits, decoder options, the monitor. */
  readonly #settings: ConnectionSettings;
  readonly #monitor: ClientMonitor;
  /** permessage-deflate settings, undefined when off. */
  readonly #deflate: DeflateSettings | undefined;
  readonly #heartbeatInterval: number;
  /** What an upgrade request must satisfy: subprotocols offered, allowed origins. */
  readonly #accept: AcceptOptions;
  readonly #endpoints: Map<string, Endpoint>;
  readonly #chatBus: ChatBus;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing = false;

  /**
   * @throws {InvalidArgumentError} (common) `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a
   *   limit outside `LIMITS`, `ERR_INVALID_ARG_VALUE` for a subprotocol that is not a token or
   *   a `chatBus` that already serves another server.
   */
  constructor(options: WsServerOptions = {}) {
    super();
    const limits = resolveLimits(LIMITS, options);
    this.#deflate = resolveDeflateOptions(options.perMessageDeflate);
    this.#heartbeatInterval = limits.heartbeatInterval;
    this.#logger = options.logger ?? silentLogger();
    const protocols = options.protocols ?? DEFAULT_PROTOCOLS;
    for (const p of protocols) {
      if (typeof p !== 'string' || !isToken(p))
        throw new InvalidArgumentError(
          'ERR_INVALID_ARG_VALUE',
          `The argument "protocols" must be a list of HTTP tokens. Received '${String(p)}'`,
        );
    }
    const { connections } = this;
    this.#accept = { protocols, allowedOrigins: options.allowedOrigins };
    const logger = this.#logger;
    // One monitor for every connection instead of pong/error/close listeners on each; it
    // deletes a WebSocket's state at its close (the state is stored with `dropOnClose: false`,
    // so the tracker adds no listener either).
    this.#monitor = new ClientMonitor(connections, logger, (err, ws) =>
      this.emit('clientError', err, ws),
    );
    this.#settings = connectionSettings('server', limits, this.#monitor);
    this.#chatBus = options.chatBus ?? new InProcessChatBus();
    this.#endpoints = createEndpoints({
      logger,
      chatMaxBuffered: limits.chatMaxBuffered,
      chatBus: this.#chatBus,
    });
    const handshakeTimeout = limits.handshakeTimeout;
    this.server = createServer({
      headersTimeout: handshakeTimeout,
      requestTimeout: handshakeTimeout,
      connectionsCheckingInterval: Math.min(1_000, handshakeTimeout),
    });
    connections.attach(this.server);
    const endpoints = this.#endpoints;
    const accept = this.#accept;
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      answerHttpRequest(req, res, endpoints, accept),
    );
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.#onUpgrade(req, socket, head),
    );
    this.server.on('listening', () => this.#startHeartbeat());
    this.server.on('close', () => clearInterval(this.#heartbeat));
  }

  /**
   * The server contract's graceful step (`serve()` calls it after `server.close()`): close 1001
   * "server shutting down" to every WebSocket ({@link closeAll}), close the page's keep-alive
   * sockets as they turn idle, and resolve once every socket and every WebSocket has closed
   * (a WebSocket is destroyed `closeTimeout` after its close frame at the latest), or when
   * `signal` aborts (the caller then destroys the rest); then closes the chat bus.
   */
  async drain(signal: AbortSignal): Promise<void> {
    this.closeAll(CloseCode.GoingAway, SHUTDOWN_REASON);
    await closeIdleHttpConnections(this.server, this.connections, signal);
    await this.connections.whenEmpty(signal);
    await this.#chatBus.close();
  }

  /**
   * Refuses new upgrades with 503 from now on and starts the closing handshake with close `code`
   * (default 1001, going away) on every open WebSocket. Wait for them with
   * `connections.whenEmpty()`, or use {@link drain}.
   *
   * @throws {WsArgumentError} `ERR_WS_INVALID_CLOSE_CODE`, `ERR_WS_CLOSE_REASON_TOO_LONG`.
   */
  closeAll(code: number = CloseCode.GoingAway, reason = SHUTDOWN_REASON): void {
    encodeClosePayload(code, reason); // throws for a bad code or reason, before anything changes
    this.#closing = true;
    for (const ws of this.clients) ws.close(code, reason);
  }

  #startHeartbeat(): void {
    if (this.#heartbeatInterval === 0 || this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(() => this.#monitor.heartbeat(), this.#heartbeatInterval);
    this.#heartbeat.unref();
  }

  /**
   * permessage-deflate for one upgrade request: the first offer the server can honour (RFC 7692
   * §5), or none (declined offers are logged at debug level).
   *
   * @throws {HandshakeError} `ERR_WS_BAD_EXTENSION` (400) for a malformed header.
   */
  #negotiateDeflate(req: UpgradeRequest): NegotiatedDeflate | undefined {
    const settings = this.#deflate;
    if (settings === undefined) return undefined;
    const value = header(req.headers, 'sec-websocket-extensions');
    if (value === undefined) return undefined;
    const result = negotiateDeflate(parseExtensions(value), settings);
    if (!('params' in result)) {
      if (result.declined.length > 0)
        this.#logger.debug({ declined: result.declined }, 'permessage-deflate offers declined');
      return undefined;
    }
    return { params: result.params, settings, header: formatExtension(result.response) };
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
    let deflate: NegotiatedDeflate | undefined;
    try {
      accepted = validateUpgradeRequest(req, this.#accept);
      deflate = this.#negotiateDeflate(req);
    } catch (err) {
      if (!(err instanceof HandshakeError)) throw err;
      this.#reject(socket, err, who);
      return;
    }
    accepted.extensions = deflate?.header;
    socket.write(switchingProtocolsResponse(accepted));
    const ws = new WebSocket(socket, {
      role: 'server',
      settings: this.#settings,
      protocol: accepted.protocol,
      perMessageDeflate: deflate,
      head,
    });
    logger.info(
      { ...who, path: url.pathname, protocol: accepted.protocol, extensions: deflate?.header },
      'websocket open',
    );
    // The connection listens to the socket's `close` and the monitor hears of it: the tracker
    // needs no `close` listener of its own on either (64 B each per idle connection).
    this.connections.adopt(socket);
    this.connections.set(ws, who, { dropOnClose: false });
    endpoint(ws, url);
    this.emit('connection', ws, req);
  }
}

/**
 * Creates an unstarted WebSocket server: hand it to `serve()` (or listen on `.server`).
 *
 * @throws {InvalidArgumentError} (common) `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a
 *   limit outside `LIMITS` (`limits.ts`), `ERR_INVALID_ARG_VALUE` for a bad subprotocol name.
 */
export function createWsServer(options: WsServerOptions = {}): WsServer {
  return new WsServer(options);
}
