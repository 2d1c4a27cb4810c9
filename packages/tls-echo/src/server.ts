/**
 * The book's mutual-TLS echo server (§7.5.2), strict by default: the server presents its
 * certificate, asks every client for one (`requestCert`) and refuses clients whose certificate
 * is missing or not signed by the CA (`rejectUnauthorized`). Every secure connection gets
 * `welcome!\n` and then an echo with tcp-server's backpressure, half-close and idle timeout.
 */
import tls from 'node:tls';
import {
  explainTlsError,
  summarizePeerCertificate,
  tlsProfile,
  tlsProfileOptions,
  type TlsProfileName,
} from 'certs';
import {
  ConnectionTracker,
  connectionLogger,
  resolveLimits,
  type LimitValues,
  type Logger,
  type NetlabServer,
} from 'common';
import { handleEchoConnection, type ConnectionHandle } from 'tcp-server';
import { GREETING } from './constants.ts';
import { SERVER_LIMITS } from './limits.ts';

/** Options of {@link createTlsEchoServer}. */
export interface TlsEchoServerOptions {
  /** Server certificate (PEM, or a PEM chain: leaf first, then intermediates). */
  cert: string | Buffer;
  /** The certificate's private key (PEM). */
  key: string | Buffer;
  /** CA certificate(s) (PEM) that client certificates must chain to. */
  ca: string | Buffer | (string | Buffer)[];
  /**
   * The book's behaviour: accept clients without a valid certificate and log them as
   * `unauthorized` with `socket.authorizationError`. INSECURE: anyone may connect. Default false.
   */
  allowUnauthorized?: boolean;
  /** Idle timeout per connection, in ms, 0 = none. Default 60 000 (limits.ts). */
  idleTimeout?: number;
  /** The handshake must finish within this time, in ms. Default 10 000 (Node's: 120 000). */
  handshakeTimeout?: number;
  /** Written once after the handshake. Default `welcome!\n` (§7.5.2). */
  greeting?: string;
  /**
   * The TLS profile (packages/certs, Mozilla's guidelines 6.0): `intermediate` (TLS 1.2 and
   * 1.3, ECDHE + AEAD suites only; the default) or `modern` (TLS 1.3 only).
   */
  tlsProfile?: TlsProfileName;
  logger: Logger;
}

/**
 * Creates (does not start) the TLS echo server: `tls.createServer` with `requestCert: true`,
 * `rejectUnauthorized: !allowUnauthorized`, the project's TLS profile (certs' `tlsProfile`:
 * TLS 1.2 and 1.3, ECDHE + AEAD suites only, no renegotiation) and `allowHalfOpen: true` (so a
 * client's half-close still gets every echoed byte).
 *
 * Logs, per connection: `secure connection` (authorized, authorizationError, peer CN and
 * SHA-256 fingerprint, protocol, cipher); per failed handshake: `TLS handshake failed` with
 * the error's `code` (`ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE`,
 * `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`, `ERR_SSL_UNSUPPORTED_PROTOCOL`,
 * `ERR_TLS_HANDSHAKE_TIMEOUT` …), or, for a client certificate that did not verify, the
 * verification code (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `CERT_HAS_EXPIRED`). A failed
 * handshake closes only that connection.
 *
 * @throws {InvalidArgumentError} (common) `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for an
 *   `idleTimeout` or `handshakeTimeout` outside its bounds (limits.ts).
 * @throws the `tls.createSecureContext` error for credentials OpenSSL refuses
 *   (`ERR_OSSL_X509_KEY_VALUES_MISMATCH` …); check them first with `loadCredentials`.
 */
export function createTlsEchoServer(options: TlsEchoServerOptions): TlsEchoServer {
  return new TlsEchoServer(options);
}

/**
 * The TLS echo server in netlab's server shape: the unstarted `tls.Server`, its open
 * connections (every raw TCP socket it accepted, and each secure connection's echo handle under
 * its `TLSSocket`), and `drain`, the graceful step of a shutdown. Run it with common's `serve()`
 * (or `startServer()` in tests). Made by {@link createTlsEchoServer}.
 */
export class TlsEchoServer implements NetlabServer<tls.Server> {
  readonly server: tls.Server;
  readonly connections = new ConnectionTracker<ConnectionHandle>();
  readonly scheme = 'tls';
  /** The resolved timeouts, in ms. */
  readonly limits: Readonly<LimitValues<typeof SERVER_LIMITS>>;
  readonly #logger: Logger;
  readonly #greeting: string;
  #draining = false;

  constructor(options: TlsEchoServerOptions) {
    this.limits = resolveLimits(SERVER_LIMITS, options);
    this.#logger = options.logger;
    this.#greeting = options.greeting ?? GREETING;
    this.server = tls.createServer({
      cert: options.cert,
      key: options.key,
      ca: options.ca,
      ...tlsProfileOptions(tlsProfile(options.tlsProfile)),
      requestCert: true,
      rejectUnauthorized: !(options.allowUnauthorized ?? false),
      handshakeTimeout: this.limits.handshakeTimeout,
      allowHalfOpen: true,
    });
    // Raw TCP sockets, from `connection`: also those still in (or failing) the handshake.
    this.connections.attach(this.server);
    this.server.on('secureConnection', (socket: tls.TLSSocket) => this.#onSecureConnection(socket));
    this.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) =>
      this.#onClientError(err, socket),
    );
  }

  /**
   * Graceful shutdown step, after the server stopped accepting: every echo connection stops
   * echoing and half-closes once its queued bytes are flushed (TLS close_notify, then FIN;
   * later input is discarded), and so does any connection whose handshake completes from now
   * on, right after its greeting. Resolves once every connection closed (the peer answers our
   * close_notify with its own and closes), or when `signal` aborts; a handshake still in flight
   * then is the caller's to destroy.
   */
  async drain(signal: AbortSignal): Promise<void> {
    this.#draining = true;
    let ended = 0;
    for (const handle of this.connections.values()) {
      handle.end();
      ended += 1;
    }
    this.#logger.info(
      { connections: ended },
      'half-closing open connections (close_notify) after their last echo',
    );
    // The raw sockets and the TLSSockets over them (a TLSSocket emits `close` after its raw
    // socket): resolved, `connections.size` and `connections.stateSize` are both 0.
    await this.connections.whenEmpty(signal);
  }

  #onSecureConnection(socket: tls.TLSSocket): void {
    const log = connectionLogger(this.#logger, socket);
    const peer = summarizePeerCertificate(socket.getPeerCertificate());
    const details = {
      authorized: socket.authorized,
      // With no certificate at all OpenSSL says UNABLE_TO_GET_ISSUER_CERT; say what happened.
      authorizationError: socket.authorized
        ? undefined
        : peer === undefined
          ? 'NO_CLIENT_CERTIFICATE'
          : String(socket.authorizationError),
      peerCN: peer?.subjectCN,
      peerFingerprint256: peer?.fingerprint256,
      protocol: socket.getProtocol(),
      cipher: socket.getCipher().name,
      sessionReused: socket.isSessionReused(),
    };
    if (socket.authorized) log.info(details, 'secure connection: authorized');
    else log.warn(details, 'secure connection: unauthorized (allowed by --allow-unauthorized)');
    const handle = handleEchoConnection(socket, {
      logger: log,
      idleTimeout: this.limits.idleTimeout,
      greeting: this.#greeting,
    });
    this.connections.set(socket, handle);
    // A handshake that finished during a drain: greet, then end like the others.
    if (this.#draining) handle.end();
  }

  #onClientError(err: NodeJS.ErrnoException, socket: tls.TLSSocket): void {
    // Node checks the client certificate after the handshake and, with rejectUnauthorized,
    // destroys the socket without a TLS alert: `err` is then a bare ECONNRESET ("socket hang
    // up") and the real reason is `socket.authorizationError` (CERT_HAS_EXPIRED …).
    const rejected = socket.authorizationError !== undefined && socket.authorizationError !== null;
    const code = rejected ? String(socket.authorizationError) : err.code;
    // A destroyed socket has no remote address any more: common's logger then says `unknown`.
    connectionLogger(this.#logger, socket).warn(
      {
        code,
        errorCode: rejected ? err.code : undefined,
        reason: explainTlsError(code) ?? firstLine(err.message),
      },
      rejected ? 'TLS handshake failed: client certificate rejected' : 'TLS handshake failed',
    );
    socket.destroy();
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}
