/** Test fixtures shared by this package's tests: certificates, a capturing logger, a TLS peer. */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { createCa, ensureDevCerts, issueCertificate, type CertificatePem } from 'certs';
import { createLogger, type Logger } from 'common';
import { withTimeout } from 'common/harness';

export interface Pki {
  paths: Awaited<ReturnType<typeof ensureDevCerts>>;
  ca: string;
  server: CertificatePem;
  client: CertificatePem;
  /** A client certificate from a different CA (the server must refuse it). */
  otherCaClient: CertificatePem;
}

const DAY_MS = 86_400_000;

/** The dev PKI (certs/) plus a client certificate from another CA (ECDSA P-256: fast). */
export async function loadPki(): Promise<Pki> {
  const paths = await ensureDevCerts();
  const [ca, serverCert, serverKey, clientCert, clientKey] = await Promise.all(
    [paths.ca, paths.serverCert, paths.serverKey, paths.clientCert, paths.clientKey].map((p) =>
      readFile(p, 'utf8'),
    ),
  );
  const other = await createCa({ commonName: 'some other CA' });
  const otherCaClient = await issueCertificate(other, { usage: 'client', commonName: 'stranger' });
  return {
    paths,
    ca: ca!,
    server: { cert: serverCert!, key: serverKey! },
    client: { cert: clientCert!, key: clientKey! },
    otherCaClient,
  };
}

/**
 * A CA with a client and a server certificate that expired 9 days ago (certs'
 * `issueCertificate` needs the CA's key pair, which `ensureDevCerts` does not return, so the
 * expired certificates come from their own CA; a test server trusts both CAs).
 */
export async function expiredPki(): Promise<{
  ca: string;
  client: CertificatePem;
  server: CertificatePem;
}> {
  const ca = await createCa({ commonName: 'expiry test CA' });
  const notBefore = new Date(Date.now() - 10 * DAY_MS);
  const client = await issueCertificate(ca, { usage: 'client', notBefore, validityDays: 1 });
  const server = await issueCertificate(ca, { usage: 'server', notBefore, validityDays: 1 });
  return { ca: ca.cert, client, server };
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

  /** Resolves with the first record (already logged or future) for which `match` is true. */
  waitFor(
    match: (r: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
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
      `a log record (got: ${JSON.stringify(this.records.map((r) => r.msg))})`,
    );
  }

  /** The `TLS handshake failed` record's code. */
  async handshakeFailure(): Promise<string> {
    const r = await this.waitFor((x) => String(x.msg).startsWith('TLS handshake failed'));
    return String(r.code);
  }
}

/**
 * A TLS client that collects what it receives and remembers its error, for tests:
 * `outcome` resolves with the error code, or `'closed'` after a clean close.
 */
export class TlsPeer {
  readonly socket: tls.TLSSocket;
  #text = '';
  #error: NodeJS.ErrnoException | undefined;
  readonly #events = new EventEmitter();
  readonly closed: Promise<void>;

  constructor(options: tls.ConnectionOptions) {
    this.socket = tls.connect({ host: '127.0.0.1', ...options });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.#text += chunk;
      this.#events.emit('change');
    });
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      this.#error = err;
    });
    // Not events.once: it rejects on 'error', and a refused handshake is an expected outcome here.
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  get text(): string {
    return this.#text;
  }

  /** Resolves with the error code once the connection closed (undefined for a clean close). */
  async errorCode(timeoutMs = 10_000): Promise<string | undefined> {
    await withTimeout(this.closed, timeoutMs, 'the connection to close');
    return this.#error?.code;
  }

  /** Resolves once the received text contains `needle`. */
  waitForText(needle: string, timeoutMs = 10_000): Promise<string> {
    return withTimeout(
      new Promise((resolve) => {
        const check = (): void => {
          if (!this.#text.includes(needle)) return;
          this.#events.off('change', check);
          resolve(this.#text);
        };
        this.#events.on('change', check);
        check();
      }),
      timeoutMs,
      `'${needle}' (received ${JSON.stringify(this.#text)}, error ${this.#error?.code ?? 'none'})`,
    );
  }

  destroy(): void {
    this.socket.destroy();
  }
}
