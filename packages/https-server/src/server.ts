/**
 * The book's HTTPS server (§7.5.3), with HTTP/2: one TLS port, the protocol chosen by ALPN
 * (`h2`, `http/1.1`), http-server's request handler for both, and the project's TLS profile.
 */
import type { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import {
  constants as h2,
  createSecureServer,
  type Http2SecureServer,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { explainTlsError, hstsHeader, tlsProfile, tlsProfileOptions, type TlsProfile } from 'certs';
import {
  boundPort,
  closeIdleHttpConnections,
  closeServer,
  connectionLogger,
  ConnectionTracker,
  type Logger,
  type NetlabServer,
} from 'common';
import { HttpHandler, type HttpConnection } from 'http-server';
import { SCHEME, SECURITY_HEADERS } from './constants.ts';
import { PSEUDO_HEADER_COUNT } from './limits.ts';
import {
  resolveHttpsOptions,
  type HttpsServerOptions,
  type ResolvedHttpsOptions,
} from './options.ts';
import { RedirectServer } from './redirect.ts';

/**
 * Per-connection state, in {@link HttpsServer.connections}: under the `TLSSocket` of an
 * HTTP/1.1 connection, under the `ServerHttp2Session` of an HTTP/2 one (see http-server's
 * `HttpConnection`: the handler looks it up the same way).
 */
export interface HttpsConnection extends HttpConnection {
  /** The HTTP/2 session; undefined for an HTTP/1.1 connection. */
  session: ServerHttp2Session | undefined;
}

/**
 * The HTTPS server in netlab's server shape: `server` is an `Http2SecureServer` with
 * `allowHTTP1`, so one port serves HTTP/2 to clients that offer `h2` in ALPN and HTTP/1.1 to
 * the others (HTTP/1.1 runs through `node:http` on the same server object). Made by
 * {@link createHttpsServer}; run it with common's `serve()` (or the harness's `startServer()`).
 */
export class HttpsServer implements NetlabServer<Http2SecureServer> {
  readonly server: Http2SecureServer;
  /** Every accepted TCP socket (also the redirect listener's), plus per-connection state. */
  readonly connections = new ConnectionTracker<HttpsConnection>();
  readonly scheme = SCHEME;
  readonly options: ResolvedHttpsOptions;
  readonly profile: TlsProfile;
  /** The plain-HTTP redirect listener (`redirectHttp`), unstarted; `drain` closes it. */
  readonly redirect: RedirectServer | undefined;
  readonly #handler: HttpHandler;
  readonly #logger: Logger;

  constructor(options: HttpsServerOptions) {
    this.options = resolveHttpsOptions(options);
    const { limits: l, logger } = this.options;
    this.#logger = logger;
    this.profile = tlsProfile(this.options.tlsProfile);
    const mtls = this.options.requireClientCert;
    this.server = createSecureServer({
      ...tlsProfileOptions(this.profile),
      cert: options.cert,
      key: options.key,
      // Only with mTLS: OpenSSL would otherwise also send the CA with the server's chain.
      ca: mtls ? options.ca : undefined,
      requestCert: mtls,
      rejectUnauthorized: mtls,
      handshakeTimeout: l.handshakeTimeout,
      allowHTTP1: true,
      settings: {
        maxConcurrentStreams: l.maxConcurrentStreams,
        maxHeaderListSize: l.maxHeaderListSize,
        enablePush: false,
      },
      maxHeaderListPairs: l.maxHeadersCount + PSEUDO_HEADER_COUNT,
      maxSessionMemory: l.maxSessionMemory,
      maxSettings: l.maxSettings,
      maxSessionInvalidFrames: l.maxSessionInvalidFrames,
      maxSessionRejectedStreams: l.maxSessionRejectedStreams,
    });
    // The HTTP/1.1 fallback is node:http's connection handling run on this server object: it
    // reads the limits from the same fields that http.createServer sets from its options.
    Object.assign(this.server, {
      headersTimeout: l.headersTimeout,
      requestTimeout: l.requestTimeout,
      keepAliveTimeout: l.keepAliveTimeout,
      maxHeadersCount: l.maxHeadersCount,
      maxRequestsPerSocket: l.maxRequestsPerSocket,
      connectionsCheckingInterval: l.connectionsCheckingInterval,
    });
    this.connections.attach(this.server);
    this.server.on('secureConnection', (socket: TLSSocket) => this.#onSecureConnection(socket));
    this.server.on('session', (session: ServerHttp2Session) => this.#onSession(session));
    this.server.on('sessionError', (err: NodeJS.ErrnoException, session: ServerHttp2Session) => {
      // A client that just drops the connection (curl does after its last stream) is no news.
      const level = err.code === 'ECONNRESET' ? 'debug' : 'warn';
      this.#loggerOf(session)[level](
        { code: err.code, reason: err.message },
        'HTTP/2 session error',
      );
    });
    this.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) =>
      this.#onTlsClientError(err, socket),
    );
    this.server.on('stream', (stream: ServerHttp2Stream) => this.#onStream(stream));
    this.#handler = new HttpHandler(this.options.http, this.connections, {
      'Strict-Transport-Security': hstsHeader(this.profile),
      ...SECURITY_HEADERS,
    });
    this.#handler.attach(this.server);
    if (this.options.redirectHttp) {
      this.redirect = new RedirectServer({
        httpsPort: () => boundPort(this.server),
        fallbackHost: () => 'localhost',
        headersTimeout: l.headersTimeout,
        maxHeadersCount: l.maxHeadersCount,
        logger,
      });
      this.connections.attach(this.redirect.server);
    }
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#handler.draining;
  }

  /**
   * Graceful shutdown, after `server.close()` stopped accepting: every HTTP/2 session gets
   * GOAWAY (`session.close()`: streams in flight complete, new ones are refused, then the
   * session closes); HTTP/1.1 connections answer their in-flight request with
   * `Connection: close` and idle keep-alive sockets are closed (now and as they turn idle); the
   * redirect listener stops. Resolves once every connection is gone or `signal` aborts.
   */
  async drain(signal: AbortSignal): Promise<void> {
    this.#handler.beginDrain();
    let sessions = 0;
    for (const { session } of this.connections.values()) {
      if (session === undefined) continue;
      session.close();
      sessions += 1;
    }
    this.#logger.info(
      { connections: this.connections.size, sessions },
      'draining: GOAWAY to HTTP/2 sessions, Connection: close to HTTP/1.1 requests',
    );
    if (this.redirect !== undefined) void closeServer(this.redirect.server);
    await closeIdleHttpConnections(http1IdleCloser(this.server), this.connections, signal);
  }

  /** HTTP/1.1 connections get their state here; an `h2` one gets it at `session`. */
  #onSecureConnection(socket: TLSSocket): void {
    if (socket.alpnProtocol === 'h2') return;
    const logger = connectionLogger(this.#logger, socket);
    const state = { logger, current: undefined, tunnel: undefined, session: undefined };
    this.connections.set(socket, state);
    logger.debug(describeTls(socket), 'secure connection');
  }

  #onSession(session: ServerHttp2Session): void {
    const socket = session.socket as Socket; // a proxy of the TLSSocket: reads pass through
    const logger = connectionLogger(this.#logger, socket);
    this.connections.set(session, { logger, current: undefined, tunnel: undefined, session });
    logger.debug(describeTls(socket as TLSSocket), 'HTTP/2 session');
    const idle = this.options.limits.keepAliveTimeout;
    if (idle > 0) {
      session.setTimeout(idle, () => {
        logger.debug({ idleMs: idle }, 'silent HTTP/2 session: GOAWAY');
        session.close();
      });
    }
    session.on('goaway', (code: number) => logger.debug({ code }, 'GOAWAY from the client'));
    if (this.draining) session.close(); // a handshake that completed during the drain
  }

  /**
   * HTTP/2's side of `requestTimeout`: a stream whose request has not fully arrived after it
   * is answered 408 (then reset, RFC 9113 §8.1) if no response started, else reset (CANCEL).
   */
  #onStream(stream: ServerHttp2Stream): void {
    const timeout = this.options.limits.requestTimeout;
    if (timeout === 0 || stream.endAfterHeaders) return;
    const timer = setTimeout(() => this.#onStreamTimeout(stream, timeout), timeout);
    stream.once('close', () => clearTimeout(timer));
  }

  #onStreamTimeout(stream: ServerHttp2Stream, timeout: number): void {
    const state = stream.destroyed ? h2.NGHTTP2_STREAM_STATE_CLOSED : stream.state.state;
    if (
      state === h2.NGHTTP2_STREAM_STATE_HALF_CLOSED_REMOTE ||
      state === h2.NGHTTP2_STREAM_STATE_CLOSED
    ) {
      return; // the whole request arrived; the response may take its time
    }
    this.#loggerOf(stream.session).info(
      { stream: stream.id, timeoutMs: timeout },
      'request timeout (HTTP/2 stream)',
    );
    if (stream.headersSent) {
      stream.close(h2.NGHTTP2_CANCEL);
      return;
    }
    const body = 'Request Timeout\n';
    stream.respond({
      ':status': 408,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    stream.end(body, () => stream.close(h2.NGHTTP2_NO_ERROR));
  }

  /** The logger of a connection's state, or the server's. */
  #loggerOf(key: EventEmitter | undefined): Logger {
    return (key === undefined ? undefined : this.connections.get(key)?.logger) ?? this.#logger;
  }

  #onTlsClientError(err: NodeJS.ErrnoException, socket: TLSSocket): void {
    // With mTLS, Node checks the client certificate after the handshake and destroys the
    // socket without an alert: the reason is then socket.authorizationError.
    const rejected = socket.authorizationError !== undefined && socket.authorizationError !== null;
    const code = rejected ? String(socket.authorizationError) : err.code;
    connectionLogger(this.#logger, socket).warn(
      { code, reason: explainTlsError(code) ?? err.message.split('\n')[0] },
      rejected ? 'TLS handshake failed: client certificate rejected' : 'TLS handshake failed',
    );
    socket.destroy();
  }
}

/** What a log line says about a TLS connection. */
function describeTls(socket: TLSSocket): Record<string, unknown> {
  return {
    alpn: socket.alpnProtocol,
    protocol: socket.getProtocol(),
    cipher: socket.getCipher()?.standardName,
    clientCert: socket.authorized ? 'verified' : undefined,
  };
}

/**
 * `closeIdleConnections()` of an `allowHTTP1` HTTP/2 server (Node 20 has it, for its
 * HTTP/1.1 connections; @types/node 20 does not declare it), for common's
 * `closeIdleHttpConnections`.
 */
function http1IdleCloser(server: Http2SecureServer): Pick<HttpServer, 'closeIdleConnections'> {
  const close: unknown = Reflect.get(server, 'closeIdleConnections');
  return {
    closeIdleConnections: () => {
      if (typeof close === 'function') Reflect.apply(close, server, []);
    },
  };
}

/**
 * Creates the HTTPS server, unstarted: hand it to common's `serve` (see `main.ts`) or the test
 * harness's `startServer`. With `redirectHttp`, listen on `redirect.server` too.
 *
 * @throws {InvalidArgumentError} for an invalid option (see `resolveHttpsOptions`).
 * @throws the `tls.createSecureContext` error for credentials OpenSSL refuses
 *   (`ERR_OSSL_X509_KEY_VALUES_MISMATCH` …); check them first with certs' `loadCredentials`.
 */
export function createHttpsServer(options: HttpsServerOptions): HttpsServer {
  return new HttpsServer(options);
}
