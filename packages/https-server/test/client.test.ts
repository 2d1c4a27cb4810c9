/**
 * The book's HTTPS client: `httpsRequest` over HTTP/1.1 (https.request + its own Agent) and
 * HTTP/2, the book's failure without `ca`, `--insecure`, timeouts, limits; and the `client`
 * CLI as users run it.
 */
import { readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { createServer as createPlainHttps } from 'node:https';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectTimeoutError } from 'common';
import { execMain, startServer, Teardown } from 'common/harness';
import { HELLO } from '../src/constants.ts';
import { TLS_ERROR_EXPLANATIONS } from 'certs';
import { HTTPS_ERROR_EXPLANATIONS } from '../src/explanations.ts';
import { httpsRequest } from '../src/client.ts';
import { HttpsClientError } from '../src/index.ts';
import { loadPki, startHttps, type Pki } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** A child `main.ts` (tsx) may take a while to start on a loaded 2-core machine. */
const CHILD = { timeoutMs: 30_000 };
const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

describe('httpsRequest', () => {
  it('HTTP/1.1 by default (no ALPN, like the book), HTTP/2 with http2: true; TLS reported', async () => {
    const { url } = await startHttps(teardown, pki);
    const one = await httpsRequest(url('/'), { ca: pki.ca });
    expect(one).toMatchObject({ httpVersion: '1.1', statusCode: 200, statusMessage: 'OK' });
    expect(one.body.toString()).toBe(HELLO);
    expect(one.tls).toMatchObject({ authorized: true, alpnProtocol: false, protocol: 'TLSv1.3' });
    expect(one.tls.server?.subjectCN).toBe('localhost');
    const two = await httpsRequest(url('/echo'), {
      ca: pki.ca,
      http2: true,
      method: 'POST',
      body: 'hi',
    });
    expect(two).toMatchObject({ httpVersion: '2.0', statusCode: 200, statusMessage: '' });
    expect(two.body.toString()).toBe('hi');
    expect(two.tls.alpnProtocol).toBe('h2');
    expect(two.headers[':status' as 'age']).toBeUndefined();
  });

  it('without ca: UNABLE_TO_VERIFY_LEAF_SIGNATURE over both (the book’s error)', async () => {
    const { url } = await startHttps(teardown, pki);
    for (const http2 of [false, true]) {
      await expect(httpsRequest(url('/'), { http2 })).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
    }
  });

  it('a name the certificate does not carry: ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    const { port } = await startHttps(teardown, pki);
    await expect(
      httpsRequest(`https://127.0.0.1:${port}/`, { ca: pki.ca, servername: 'example.com' }),
    ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('rejectUnauthorized: false (curl -k) still connects, encrypted, and says why it is not authorized', async () => {
    const { url } = await startHttps(teardown, pki);
    const res = await httpsRequest(url('/'), { rejectUnauthorized: false });
    expect(res.statusCode).toBe(200);
    expect(res.tls).toMatchObject({
      authorized: false,
      authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(res.tls.cipher).toMatch(/^TLS_/);
  });

  it('http2 against a server without h2: ERR_HTTP2_NOT_NEGOTIATED (no ALPN) or the no_application_protocol alert', async () => {
    const noAlpn = createTlsServer({ ...pki.server }, (socket) => socket.end());
    const ts = await startServer(noAlpn);
    teardown.add(ts, () => ts.close());
    const err = await httpsRequest(`https://localhost:${ts.port}/`, {
      ca: pki.ca,
      http2: true,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpsClientError);
    expect(err).toMatchObject({ code: 'ERR_HTTP2_NOT_NEGOTIATED' });
    const http11Only = createPlainHttps({ ...pki.server }, (_req, res) => res.end('ok')); // ALPN http/1.1
    const ts2 = await startServer(http11Only);
    teardown.add(ts2, () => ts2.close());
    await expect(
      httpsRequest(`https://localhost:${ts2.port}/`, { ca: pki.ca, http2: true }),
    ).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
    });
  });

  it('a handshake that never finishes: common’s ConnectTimeoutError (ERR_TLS_HANDSHAKE_TIMEOUT)', async () => {
    const silent = createNetServer(() => undefined); // accepts TCP, never speaks TLS
    const ts = await startServer(silent);
    teardown.add(ts, () => ts.close());
    for (const http2 of [false, true]) {
      const err = await httpsRequest(`https://localhost:${ts.port}/`, {
        connectTimeout: 200,
        http2,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectTimeoutError);
      expect(err).toMatchObject({ code: 'ERR_TLS_HANDSHAKE_TIMEOUT' });
    }
  });

  it('a body over maxResponseBody: ERR_HTTP_RESPONSE_TOO_LARGE; a silent server: ETIMEDOUT', async () => {
    const { url } = await startHttps(teardown, pki);
    for (const http2 of [false, true]) {
      await expect(
        httpsRequest(url('/static/buffer'), { ca: pki.ca, http2, maxResponseBody: 1000 }),
      ).rejects.toMatchObject({
        code: 'ERR_HTTP_RESPONSE_TOO_LARGE',
      });
      await expect(
        httpsRequest(url('/slow?ms=2000'), { ca: pki.ca, http2, timeout: 100 }),
      ).rejects.toMatchObject({
        code: 'ETIMEDOUT',
      });
    }
  });
});

describe('https-server client (the CLI)', () => {
  it('prints status, headers and body like curl -i; --http2 says HTTP/2', async () => {
    const { url } = await startHttps(teardown, pki);
    const one = await execMain(MAIN, ['client', url('/'), '--ca', pki.paths.ca], CHILD);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^HTTP\/1\.1 200 OK\nstrict-transport-security: max-age=63072000\n/);
    expect(one.stdout.endsWith('\n\nhello world')).toBe(true);
    const two = await execMain(
      MAIN,
      ['client', url('/'), '--ca', pki.paths.ca, '--http2', '-v'],
      CHILD,
    );
    expect(two.stdout).toMatch(/^HTTP\/2 200\n/);
    expect(two.stderr).toMatch(/ALPN h2/);
  });

  it('without --ca: exit 1, the code and what to do', async () => {
    const { url } = await startHttps(teardown, pki);
    const run = await execMain(MAIN, ['client', url('/')], CHILD);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `https-server client: UNABLE_TO_VERIFY_LEAF_SIGNATURE: ${HTTPS_ERROR_EXPLANATIONS.UNABLE_TO_VERIFY_LEAF_SIGNATURE!.explanation}`,
    );
  });

  it('--insecure warns that the connection is encrypted but not authenticated, and connects', async () => {
    const { url } = await startHttps(teardown, pki);
    const run = await execMain(MAIN, ['client', url('/'), '--insecure'], CHILD);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^warning: --insecure: the server's certificate is NOT verified\. The connection is encrypted/,
    );
    expect(run.stderr).toMatch(/NOT verified: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    expect(run.stdout).toMatch(/hello world$/);
  });

  it('a client certificate for mutual TLS (--cert/--key); a bad flag exits 2', async () => {
    const { url } = await startHttps(teardown, pki, { requireClientCert: true, ca: pki.ca });
    const refused = await execMain(MAIN, ['client', url('/'), '--ca', pki.paths.ca], CHILD);
    expect(refused.stderr).toMatch(/ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED/);
    const ok = await execMain(
      MAIN,
      [
        'client',
        url('/tls'),
        '--ca',
        pki.paths.ca,
        '--cert',
        pki.paths.clientCert,
        '--key',
        pki.paths.clientKey,
      ],
      CHILD,
    );
    expect(ok.stdout).toMatch(/"subjectCN": "netlab dev client"/);
    const bad = await execMain(MAIN, ['client', url('/'), '--cert', pki.paths.clientCert], CHILD);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--cert and --key go together/);
    const http = await execMain(MAIN, ['client', 'http://localhost/'], CHILD);
    expect([http.code, http.stderr]).toEqual([2, 'https-server: only https:// URLs (got http:)']);
  });
});

describe('the error table', () => {
  it('lists every code this package adds to the shared TLS table in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const own = Object.keys(HTTPS_ERROR_EXPLANATIONS).filter(
      (code) => !(code in TLS_ERROR_EXPLANATIONS),
    );
    expect(own.length).toBeGreaterThan(0);
    for (const code of own) expect(readme, code).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
  });
});
