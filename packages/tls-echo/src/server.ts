/**
 * The book's mutual-TLS echo server (§7.5.2), strict by default: the server presents its
 * certificate, asks every client for one (`requestCert`) and refuses clients whose certificate
 * is missing or not signed by the CA (`rejectUnauthorized`). Every secure connection gets
 * `welcome!\n` and then an echo with tcp-server's backpressure, half-close and idle timeout.
 */
import tls from 'node:tls';
import { connectionLogger, type Logger } from 'common';
import { handleEchoConnection, type ConnectionHandle } from 'tcp-server';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  GREETING,
  MIN_TLS_VERSION,
} from './constants.ts';
import { explainTlsError } from './protocol/error-codes.ts';
import { summarizePeerCertificate } from './protocol/certificate.ts';

/** The open echo connections of each server made by {@link createTlsEchoServer}. */
const openConnections = new WeakMap<tls.Server, Set<ConnectionHandle>>();

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
  /** Idle timeout per connection, in ms (0 = none). Default 60 000. */
  idleTimeout?: number;
  /** The handshake must finish within this time, in ms. Default 10 000 (Node's: 120 000). */
  handshakeTimeout?: number;
  /** Written once after the handshake. Default `welcome!\n` (§7.5.2). */
  greeting?: string;
  logger: Logger;
}

/**
 * Creates (does not start) the TLS echo server: `tls.createServer` with `requestCert: true`,
 * `rejectUnauthorized: !allowUnauthorized`, `minVersion: 'TLSv1.2'`, Node's default cipher
 * list and `allowHalfOpen: true` (so a client's half-close still gets every echoed byte).
 *
 * Logs, per connection: `secure connection` (authorized, authorizationError, peer CN and
 * SHA-256 fingerprint, protocol, cipher); per failed handshake: `TLS handshake failed` with
 * the error's `code` (`ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE`,
 * `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`, `ERR_SSL_UNSUPPORTED_PROTOCOL`,
 * `ERR_TLS_HANDSHAKE_TIMEOUT` …), or, for a client certificate that did not verify, the
 * verification code (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `CERT_HAS_EXPIRED`). A failed handshake closes only that connection.
 *
 * @throws the `tls.createSecureContext` error for credentials OpenSSL refuses
 *   (`ERR_OSSL_X509_KEY_VALUES_MISMATCH` …); check them first with `loadCredentials`.
 */
export function createTlsEchoServer(options: TlsEchoServerOptions): tls.Server {
  const { logger } = options;
  const allowUnauthorized = options.allowUnauthorized ?? false;
  const idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS;
  const greeting = options.greeting ?? GREETING;
  const server = tls.createServer({
    cert: options.cert,
    key: options.key,
    ca: options.ca,
    requestCert: true,
    rejectUnauthorized: !allowUnauthorized,
    minVersion: MIN_TLS_VERSION,
    handshakeTimeout: options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    allowHalfOpen: true,
  });
  const open = new Set<ConnectionHandle>();
  openConnections.set(server, open);

  server.on('secureConnection', (socket: tls.TLSSocket) => {
    const log = connectionLogger(logger, socket);
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
    const handle = handleEchoConnection(socket, { logger: log, idleTimeout, greeting });
    open.add(handle);
    socket.once('close', () => open.delete(handle));
  });

  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
    // Node checks the client certificate after the handshake and, with rejectUnauthorized,
    // destroys the socket without a TLS alert: `err` is then a bare ECONNRESET ("socket hang
    // up") and the real reason is `socket.authorizationError` (CERT_HAS_EXPIRED …).
    const rejected = socket.authorizationError !== undefined && socket.authorizationError !== null;
    const code = rejected ? String(socket.authorizationError) : err.code;
    // A destroyed socket has no remote address any more: common's logger then says `unknown`.
    connectionLogger(logger, socket).warn(
      {
        code,
        errorCode: rejected ? err.code : undefined,
        reason: explainTlsError(code) ?? firstLine(err.message),
      },
      rejected ? 'TLS handshake failed: client certificate rejected' : 'TLS handshake failed',
    );
    socket.destroy();
  });

  return server;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

/**
 * Graceful shutdown step (common's `serve` `drain`): every open echo connection stops echoing
 * and half-closes once its queued bytes are flushed (TLS close_notify, then FIN); later input is
 * discarded. Returns how many connections were asked to end.
 */
export function endConnections(server: tls.Server): number {
  const open = openConnections.get(server);
  if (open === undefined) return 0;
  for (const handle of open) handle.end();
  return open.size;
}
