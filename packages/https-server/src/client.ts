/**
 * The book's HTTPS client (§7.5.3): `https.request` with a `ca` (and, for mutual TLS, a client
 * `key` and `cert`), given its own `https.Agent` built from the same options, as the book
 * does; or, with `http2: true`, `http2.connect` over a TLS socket that offers only `h2` in
 * ALPN. Either way the answer comes back whole: status, headers, body, and what TLS negotiated.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request as httpsRequestRaw } from 'node:https';
import { connect as http2Connect, constants as h2, type ClientHttp2Session } from 'node:http2';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { summarizePeerCertificate, type CertificateSummary } from 'certs';
import { awaitConnect, resolveLimits, type LimitOptions } from 'common';
import { HttpsClientError } from './errors.ts';
import { CLIENT_LIMITS } from './limits.ts';

/** Options of {@link httpsRequest}. Limits: {@link CLIENT_LIMITS}. */
export interface HttpsRequestOptions extends LimitOptions<typeof CLIENT_LIMITS> {
  /** Default `GET` (`POST` is the caller's to say). */
  method?: string | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
  body?: string | Buffer | undefined;
  /**
   * CA(s) to verify the server with. Omitted: Node's bundled public roots only, which do not
   * know a private CA: the book's `UNABLE_TO_VERIFY_LEAF_SIGNATURE`.
   */
  ca?: string | Buffer | (string | Buffer)[] | undefined;
  /** Client certificate and key, for a server that requires one (mutual TLS). */
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  /**
   * Verify the server's certificate chain and name. Default true. `false` is `curl -k`: the
   * connection is still encrypted, but to whoever answered: a man in the middle included.
   */
  rejectUnauthorized?: boolean | undefined;
  /** SNI and the name the certificate must carry. Default: the URL's host (not sent for an IP). */
  servername?: string | undefined;
  /** HTTP/2 (`http2.connect`, ALPN `h2`) instead of the book's `https.request` (HTTP/1.1). */
  http2?: boolean | undefined;
  /**
   * HTTP/1.1: the Agent to use (e.g. a keep-alive one shared across requests). Default: a new
   * `https.Agent` built from these TLS options, like the book's `options.agent = new
   * https.Agent(options)`, destroyed after the response.
   */
  agent?: Agent | undefined;
}

/** What TLS negotiated, as the client saw it. */
export interface TlsSummary {
  /** The server's certificate verified (chain, dates, name). */
  authorized: boolean;
  /** Why not, when `authorized` is false (`--insecure` only). */
  authorizationError: string | undefined;
  /** `TLSv1.3` or `TLSv1.2`. */
  protocol: string | null;
  /** IANA name of the suite, e.g. `TLS_AES_128_GCM_SHA256`. */
  cipher: string | undefined;
  /** `h2`, `http/1.1`, or `false` when no protocol was negotiated (the book's client offers none). */
  alpnProtocol: string | false | null;
  server: CertificateSummary | undefined;
}

/** A whole response. */
export interface HttpsResponse {
  /** `1.1` or `2.0`. */
  httpVersion: string;
  statusCode: number;
  /** HTTP/1.1's reason phrase; HTTP/2 has none (RFC 9113 §8.3.2): empty. */
  statusMessage: string;
  /** Lower-case names; HTTP/2's `:status` is in `statusCode`, not here. */
  headers: IncomingHttpHeaders;
  body: Buffer;
  tls: TlsSummary;
}

/**
 * One request, answered whole.
 *
 * @throws the TLS or socket error with Node's code (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
 *   `ERR_TLS_CERT_ALTNAME_INVALID`, `ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`,
 *   `ECONNREFUSED` …); common's `ConnectTimeoutError` (`ETIMEDOUT` /
 *   `ERR_TLS_HANDSHAKE_TIMEOUT`) after `connectTimeout`; {@link HttpsClientError}
 *   `ERR_HTTP_RESPONSE_TOO_LARGE`, `ETIMEDOUT` (no activity for `timeout` ms once connected),
 *   `ERR_HTTP2_NOT_NEGOTIATED`; `InvalidArgumentError` for a limit out of bounds.
 */
export async function httpsRequest(
  url: string | URL,
  options: HttpsRequestOptions = {},
): Promise<HttpsResponse> {
  const target = new URL(url);
  const limits = resolveLimits(CLIENT_LIMITS, options);
  return options.http2 === true
    ? requestHttp2(target, options, limits)
    : requestHttp1(target, options, limits);
}

type ClientLimits = ReturnType<typeof resolveLimits<typeof CLIENT_LIMITS>>;

function hostOf(url: URL): { host: string; port: number } {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, port: Number(url.port || 443) };
}

/** SNI is a DNS name only (RFC 6066 §3): none for an IP address. */
function sniFor(host: string, servername: string | undefined): string | undefined {
  return servername ?? (isIP(host) === 0 ? host : undefined);
}

function summarize(socket: TLSSocket): TlsSummary {
  const error = socket.authorizationError;
  return {
    authorized: socket.authorized,
    authorizationError: error === undefined || error === null ? undefined : String(error),
    protocol: socket.getProtocol(),
    cipher: socket.getCipher()?.standardName,
    alpnProtocol: socket.alpnProtocol,
    server: summarizePeerCertificate(socket.getPeerCertificate()),
  };
}

/** Reads a body up to `max` bytes. @throws {HttpsClientError} `ERR_HTTP_RESPONSE_TOO_LARGE`. */
async function readBody(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      throw new HttpsClientError(
        'ERR_HTTP_RESPONSE_TOO_LARGE',
        `response body over ${max} bytes (see --max-response-body)`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function requestHttp1(
  url: URL,
  o: HttpsRequestOptions,
  limits: ClientLimits,
): Promise<HttpsResponse> {
  const { host, port } = hostOf(url);
  const ownAgent = o.agent === undefined;
  const agent =
    o.agent ??
    new Agent({
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      rejectUnauthorized: o.rejectUnauthorized ?? true,
      servername: sniFor(host, o.servername),
    });
  return new Promise<HttpsResponse>((resolve, reject) => {
    const req = httpsRequestRaw(url, {
      method: o.method ?? 'GET',
      headers: o.headers,
      agent,
      servername: sniFor(host, o.servername),
    });
    let tls: TlsSummary | undefined;
    req.once('socket', (socket) => {
      const tlsSocket = socket as TLSSocket;
      if (req.reusedSocket) return; // a keep-alive socket: connected long ago
      awaitConnect(tlsSocket, {
        event: 'secureConnect',
        timeoutMs: limits.connectTimeout,
        target: { host, port },
      }).then(
        () => void (tls = summarize(tlsSocket)),
        (err: Error) => req.destroy(err),
      );
    });
    req.setTimeout(limits.timeout, () =>
      req.destroy(
        new HttpsClientError('ETIMEDOUT', `no activity for ${limits.timeout} ms (see --timeout)`),
      ),
    );
    req.once('error', reject);
    req.once('response', (res) => {
      readBody(res, limits.maxResponseBody).then(
        (body) =>
          resolve({
            httpVersion: res.httpVersion,
            statusCode: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            body,
            tls: tls ?? summarize(res.socket as TLSSocket),
          }),
        (err: Error) => {
          req.destroy(err);
          reject(err);
        },
      );
    });
    req.end(o.body);
  }).finally(() => {
    if (ownAgent) agent.destroy();
  });
}

async function requestHttp2(
  url: URL,
  o: HttpsRequestOptions,
  limits: ClientLimits,
): Promise<HttpsResponse> {
  const { host, port } = hostOf(url);
  const socket = tlsConnect({
    host,
    port,
    servername: sniFor(host, o.servername),
    ca: o.ca,
    cert: o.cert,
    key: o.key,
    rejectUnauthorized: o.rejectUnauthorized ?? true,
    ALPNProtocols: ['h2'],
  });
  await awaitConnect(socket, {
    event: 'secureConnect',
    timeoutMs: limits.connectTimeout,
    target: { host, port },
  });
  const tls = summarize(socket);
  if (socket.alpnProtocol !== 'h2') {
    socket.destroy();
    throw new HttpsClientError(
      'ERR_HTTP2_NOT_NEGOTIATED',
      `${url.host} did not choose h2 in ALPN (got ${String(socket.alpnProtocol)}): it does not speak HTTP/2 over TLS`,
    );
  }
  const session: ClientHttp2Session = http2Connect(url.origin, { createConnection: () => socket });
  try {
    return await new Promise<HttpsResponse>((resolve, reject) => {
      session.once('error', reject);
      const stream = session.request(
        {
          ':method': o.method ?? 'GET',
          ':path': `${url.pathname}${url.search}`,
          ...o.headers, // Node lower-cases the names (RFC 9113 §8.2.1)
        },
        { endStream: o.body === undefined },
      );
      stream.setTimeout(limits.timeout, () => {
        stream.close(h2.NGHTTP2_CANCEL);
        reject(
          new HttpsClientError('ETIMEDOUT', `no activity for ${limits.timeout} ms (see --timeout)`),
        );
      });
      stream.once('error', reject);
      stream.once('response', (raw) => {
        const { ':status': status, ...headers } = raw;
        readBody(stream, limits.maxResponseBody).then(
          (body) =>
            resolve({
              httpVersion: '2.0',
              statusCode: Number(status),
              statusMessage: '',
              headers,
              body,
              tls,
            }),
          (err: Error) => {
            stream.close(h2.NGHTTP2_CANCEL);
            reject(err);
          },
        );
      });
      if (o.body !== undefined) stream.end(o.body);
    });
  } finally {
    session.close();
  }
}
