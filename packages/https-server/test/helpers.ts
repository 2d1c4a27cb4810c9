/** Fixtures for this package's tests: the dev PKI, a server on port 0, HTTP/1.1 and HTTP/2 requests, a capturing logger. */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { connect as http2Connect, type ClientHttp2Session } from 'node:http2';
import { Agent, request } from 'node:https';
import { ensureDevCerts, type CertificatePem } from 'certs';
import { createLogger, type Logger } from 'common';
import { startServer, withTimeout, type Teardown, type TestServer } from 'common/harness';
import { createHttpsServer, type HttpsServer, type HttpsServerOptions } from '../src/index.ts';

export interface Pki {
  paths: Awaited<ReturnType<typeof ensureDevCerts>>;
  ca: string;
  server: CertificatePem;
  client: CertificatePem;
}

/** The dev PKI in certs/ (generated on first use), as paths and PEMs. */
export async function loadPki(): Promise<Pki> {
  const paths = await ensureDevCerts();
  const [ca, serverCert, serverKey, clientCert, clientKey] = await Promise.all(
    [paths.ca, paths.serverCert, paths.serverKey, paths.clientCert, paths.clientKey].map((p) =>
      readFile(p, 'utf8'),
    ),
  );
  return {
    paths,
    ca: ca!,
    server: { cert: serverCert!, key: serverKey! },
    client: { cert: clientCert!, key: clientKey! },
  };
}

export interface Started {
  app: HttpsServer;
  ts: TestServer;
  port: number;
  /** `https://localhost:PORT/path` (the certificate names localhost). */
  url(path?: string): string;
}

/** `createHttpsServer` with the dev server pair, on 127.0.0.1 port 0; closed at teardown. */
export async function startHttps(
  teardown: Teardown,
  pki: Pki,
  options: Partial<HttpsServerOptions> = {},
): Promise<Started> {
  const app = createHttpsServer({ ...pki.server, ...options });
  const ts = await startServer(app);
  teardown.add(ts, () => ts.close());
  return { app, ts, port: ts.port, url: (path = '/') => `https://localhost:${ts.port}${path}` };
}

/** A response, the same shape for both protocols. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  trailers: IncomingHttpHeaders;
  /** HTTP/1.1 reason phrase; '' for HTTP/2. */
  statusMessage: string;
}

/** One HTTP/1.1 request (`https.request`, keep-alive off), trusting the dev CA. */
export function h1(
  url: string,
  opts: {
    ca?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  } = {},
): Promise<Answer> {
  const agent = new Agent({ ca: opts.ca, keepAlive: false });
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, agent },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            trailers: res.trailers,
            statusMessage: res.statusMessage ?? '',
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  }).finally(() => agent.destroy());
}

/** An HTTP/2 session to the server, closed at teardown. */
export function h2Session(teardown: Teardown, url: string, ca: string): ClientHttp2Session {
  const session = http2Connect(new URL(url).origin, { ca });
  session.on('error', () => undefined); // asserted through the streams
  return teardown.add(session, (s) => {
    if (!s.destroyed) s.destroy();
  });
}

/** One request on an HTTP/2 session; resolves with the answer, or rejects with the stream's error. */
export function h2(
  session: ClientHttp2Session,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer & { rstCode: number | undefined }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(
      { ':path': path, ':method': opts.method ?? 'GET', ...opts.headers },
      { endStream: opts.body === undefined },
    );
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('error', reject);
    stream.on('close', () => {
      const { ':status': status, ...rest } = headers;
      resolve({
        status: Number(status),
        headers: rest,
        body,
        trailers,
        statusMessage: '',
        rstCode: stream.rstCode,
      });
    });
    if (opts.body !== undefined) stream.end(opts.body);
  });
}

/** A JSON logger whose records a test can read and wait for. */
export class CapturedLog {
  readonly records: Record<string, unknown>[] = [];
  readonly logger: Logger;
  readonly #events = new EventEmitter();

  constructor() {
    this.logger = createLogger({
      name: 'test',
      level: 'debug',
      format: 'json',
      destination: {
        write: (line: string) => {
          const record = JSON.parse(line) as Record<string, unknown>;
          this.records.push(record);
          this.#events.emit('record', record);
        },
      },
    });
  }

  /** Resolves with the first record (already logged or future) whose `msg` starts with `msg`. */
  waitFor(msg: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const match = (r: Record<string, unknown>): boolean => String(r.msg).startsWith(msg);
    const seen = this.records.find(match);
    if (seen) return Promise.resolve(seen);
    return withTimeout(
      new Promise((resolve) => {
        const on = (r: Record<string, unknown>): void => {
          if (!match(r)) return;
          this.#events.off('record', on);
          resolve(r);
        };
        this.#events.on('record', on);
      }),
      timeoutMs,
      () => `log '${msg}' (got: ${JSON.stringify(this.records.map((r) => r.msg))})`,
    );
  }
}
