/**
 * The TLS side: the server negotiates exactly the profile's suites (probed one per handshake,
 * as a scanner does), refuses TLS 1.1 and CBC-only clients (Node's client and `openssl
 * s_client`), the modern profile, and mutual TLS.
 */
import { execFile, spawnSync } from 'node:child_process';
import { INTERMEDIATE_TLS12_CIPHERS, TLS13_CIPHERSUITES } from 'certs';
import { acceptsVersion, handshake, negotiableSuites } from 'certs/probe';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Teardown } from 'common/harness';
import { httpsRequest } from '../src/client.ts';
import { CapturedLog, h2, h2Session, loadPki, startHttps, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  if (spawnSync('openssl', ['version']).status !== 0) {
    throw new Error('these tests need the openssl CLI: apt-get install -y openssl');
  }
  pki = await loadPki();
});

/**
 * `openssl s_client` with `args` and an empty stdin (async: the server runs in this process);
 * resolves with its exit status and output.
 */
function sClient(port: number, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', ...args],
      { timeout: 10_000 },
      (err, stdout, stderr) =>
        resolve({
          status: err === null ? 0 : ((err as { code?: number }).code ?? null),
          output: `${stdout}${stderr}`,
        }),
    );
    child.stdin?.end();
  });
}

describe('the TLS profile on the HTTPS port', () => {
  it('negotiates exactly the profile’s suites: TLS 1.2 ECDHE+AEAD (ECDSA key), the three TLS 1.3 ones', async () => {
    const { port } = await startHttps(teardown, pki);
    const target = { host: '127.0.0.1', port, ca: pki.ca };
    expect(await negotiableSuites(target, 'TLSv1.2')).toEqual(
      INTERMEDIATE_TLS12_CIPHERS.filter((c) => c.includes('ECDSA')).sort(),
    );
    expect(await negotiableSuites(target, 'TLSv1.3')).toEqual([...TLS13_CIPHERSUITES].sort());
  });

  it('refuses a TLS 1.1 client and a CBC-only TLS 1.2 client (Node’s client)', async () => {
    const { port } = await startHttps(teardown, pki);
    const target = { host: '127.0.0.1', port, ca: pki.ca };
    expect(await acceptsVersion(target, 'TLSv1.1')).toEqual({
      ok: false,
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    });
    const cbc = 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA';
    expect(
      await handshake(target, { ciphers: cbc, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }),
    ).toEqual({
      ok: false,
      code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    });
  });

  it('openssl s_client: -tls1_1 and a CBC-only -tls1_2 refused; the profile’s suite and h2 accepted', async () => {
    const { port } = await startHttps(teardown, pki);
    const tls11 = await sClient(port, ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0']);
    expect(tls11.status).not.toBe(0);
    expect(tls11.output).toMatch(/alert protocol version/);
    const cbc = await sClient(port, ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA256']);
    expect(cbc.status).not.toBe(0);
    expect(cbc.output).toMatch(/handshake failure/);
    const good = await sClient(port, [
      '-tls1_2',
      '-cipher',
      'ECDHE-ECDSA-CHACHA20-POLY1305',
      '-alpn',
      'h2',
      '-CAfile',
      pki.paths.ca,
      '-verify_return_error',
    ]);
    expect(good.status).toBe(0);
    expect(good.output).toContain('ALPN protocol: h2');
    expect(good.output).toMatch(/Cipher is ECDHE-ECDSA-CHACHA20-POLY1305/);
  });

  it('--tls-profile modern: TLS 1.3 only', async () => {
    const { port } = await startHttps(teardown, pki, { tlsProfile: 'modern' });
    const target = { host: '127.0.0.1', port, ca: pki.ca };
    expect(await acceptsVersion(target, 'TLSv1.2')).toMatchObject({ ok: false });
    expect(await acceptsVersion(target, 'TLSv1.3')).toMatchObject({ ok: true });
  });
});

describe('mutual TLS (--require-client-cert)', () => {
  it('refuses a client without a certificate; a client with one is shown in /tls', async () => {
    const log = new CapturedLog();
    const { url } = await startHttps(teardown, pki, {
      requireClientCert: true,
      ca: pki.ca,
      logger: log.logger,
    });
    await expect(httpsRequest(url('/'), { ca: pki.ca })).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    expect(await log.waitFor('TLS handshake failed')).toMatchObject({
      code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
    });
    const res = await httpsRequest(url('/tls'), { ca: pki.ca, ...pki.client });
    expect(JSON.parse(res.body.toString()) as object).toMatchObject({
      clientAuthorized: true,
      clientCertificate: { subjectCN: 'netlab dev client' },
    });
    const session = h2Session(teardown, url(), pki.ca);
    await expect(h2(session, '/')).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
  });
});
