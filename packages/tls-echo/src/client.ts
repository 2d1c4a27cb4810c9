/**
 * The book's TLS client (§7.5.2: `tls.connect(8000, options)`), as a library: connect with a
 * client certificate, verify the server against the CA and its host name, and report what was
 * negotiated.
 */
import tls from 'node:tls';
import { awaitConnect, resolveLimits } from 'common';
import { DEFAULT_PORT } from './constants.ts';
import { CLIENT_LIMITS } from './limits.ts';
import { summarizePeerCertificate, type CertificateSummary } from 'certs';

/** Options of {@link connectTlsEcho}. */
export interface TlsEchoClientOptions {
  /** Default `127.0.0.1` (the server certificate's SAN lists 127.0.0.1, ::1 and localhost). */
  host?: string;
  /** Default 8000. */
  port?: number;
  /**
   * SNI name sent to the server and the name the certificate is checked against
   * (`ERR_TLS_CERT_ALTNAME_INVALID` when its SAN lacks it). Default: `host`.
   */
  servername?: string;
  /** Client certificate and key for mutual TLS; omit both to connect without one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** CAs to trust for the server certificate. Omitted: Node's bundled public root CAs. */
  ca?: string | Buffer | (string | Buffer)[];
  /**
   * Verify the server certificate (chain, validity, host name). Default true. False is
   * `curl -k`: the connection is encrypted but the server is not authenticated.
   */
  rejectUnauthorized?: boolean;
  /** A session from a previous connection's `session` event, to resume (RFC 8446 §2.2). */
  session?: Buffer;
  /**
   * TCP connect plus TLS handshake must finish within this time, in ms. Default 10 000
   * (limits.ts; the CLI's `--timeout`).
   */
  connectTimeout?: number;
}

/** What the client learned about the connection (what the CLI prints). */
export interface TlsConnectionInfo {
  /** The server certificate verified against the CA and the host name. */
  authorized: boolean;
  /** Why not, when `authorized` is false (`SELF_SIGNED_CERT_IN_CHAIN` …). */
  authorizationError: string | undefined;
  /** `TLSv1.3` or `TLSv1.2`. */
  protocol: string | null;
  /** Cipher suite, e.g. `TLS_AES_256_GCM_SHA384`. */
  cipher: string;
  /** The session was resumed rather than fully negotiated. */
  sessionReused: boolean;
  server: CertificateSummary | undefined;
}

/**
 * Connects and resolves with the socket once the handshake completed (`secureConnect`).
 * With TLS 1.3 the client finishes its handshake before the server has checked the client
 * certificate, so a refused certificate arrives afterwards as an `error` on the socket
 * (`ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`, `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`): wait for
 * the server's greeting to know you were accepted.
 *
 * @throws {InvalidArgumentError} (common) `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_TYPE` for a bad
 *   `connectTimeout`.
 * @throws the connection's error, with its `code` (`ECONNREFUSED`, `SELF_SIGNED_CERT_IN_CHAIN`,
 *   `ERR_TLS_CERT_ALTNAME_INVALID`, `ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE` …), or common's
 *   `ConnectTimeoutError` `ERR_TLS_HANDSHAKE_TIMEOUT` after `connectTimeout` ms.
 */
export async function connectTlsEcho(options: TlsEchoClientOptions = {}): Promise<tls.TLSSocket> {
  const { connectTimeout } = resolveLimits(CLIENT_LIMITS, options);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_PORT;
  const socket = tls.connect({
    host,
    port,
    // Node rejects an IP address as SNI (RFC 6066 §3); the IP is still checked against the SAN.
    servername: options.servername,
    cert: options.cert,
    key: options.key,
    ca: options.ca,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    session: options.session,
  });
  try {
    return await awaitConnect(socket, {
      event: 'secureConnect',
      timeoutMs: connectTimeout,
      target: { host, port },
    });
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

/** Summarises a connected client socket: authorization, protocol, cipher, server certificate. */
export function describeConnection(socket: tls.TLSSocket): TlsConnectionInfo {
  return {
    authorized: socket.authorized,
    authorizationError:
      socket.authorizationError === undefined || socket.authorizationError === null
        ? undefined
        : String(socket.authorizationError),
    protocol: socket.getProtocol(),
    cipher: socket.getCipher().name,
    sessionReused: socket.isSessionReused(),
    server: summarizePeerCertificate(socket.getPeerCertificate()),
  };
}
