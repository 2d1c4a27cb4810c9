import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'common';
import { Teardown } from 'common/harness';
import {
  PkiError,
  createCa,
  ensureDevCerts,
  issueCertificate,
  loadCa,
  MAX_LEAF_VALIDITY_DAYS,
  type DevCertPaths,
} from '../src/index.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function openssl(args: string[]): string {
  const which = spawnSync('openssl', ['version']);
  if (which.status !== 0)
    throw new Error('openssl is needed for this test: apt-get install -y openssl');
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const teardown = new Teardown();
afterEach(() => teardown.run());

let dir: string;
let paths: DevCertPaths;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlab-certs-'));
  paths = await ensureDevCerts({ dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (p: string): string => readFileSync(p, 'utf8');

describe('ensureDevCerts', () => {
  it('writes CA, server and client files; keys are 0600', () => {
    for (const key of [paths.caKey, paths.serverKey, paths.clientKey]) {
      expect(statSync(key).mode & 0o777).toBe(0o600);
    }
    expect(read(paths.ca)).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(read(paths.serverKey)).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('openssl verifies the chain strictly, for the right purposes, host and IP', () => {
    expect(openssl(['verify', '-CAfile', paths.ca, paths.serverCert])).toContain(': OK');
    const strict = ['verify', '-x509_strict', '-CAfile', paths.ca];
    expect(
      openssl([
        ...strict,
        '-purpose',
        'sslserver',
        '-verify_hostname',
        'localhost',
        paths.serverCert,
      ]),
    ).toContain('OK');
    expect(
      openssl([...strict, '-purpose', 'sslserver', '-verify_ip', '127.0.0.1', paths.serverCert]),
    ).toContain('OK');
    expect(openssl([...strict, '-purpose', 'sslclient', paths.clientCert])).toContain('OK');
    const text = openssl(['x509', '-in', paths.serverCert, '-noout', '-text']);
    expect(text).toContain('ecdsa-with-SHA256');
    expect(text).toContain('NIST CURVE: P-256');
  });

  it('sets the extensions a strict verifier expects', () => {
    const ca = new X509Certificate(read(paths.ca));
    const server = new X509Certificate(read(paths.serverCert));
    const client = new X509Certificate(read(paths.clientCert));
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.keyUsage).toEqual([SERVER_AUTH]);
    expect(client.keyUsage).toEqual([CLIENT_AUTH]);
    expect(server.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000;
    expect(days).toBeLessThanOrEqual(MAX_LEAF_VALIDITY_DAYS);
  });

  it('keeps valid files, and regenerates a set whose leaf does not chain to the CA', async () => {
    expect((await ensureDevCerts({ dir })).generated).toBe(false);
    const other = await createCa();
    writeFileSync(paths.ca, other.cert);
    const again = await ensureDevCerts({ dir });
    expect(again.generated).toBe(true);
    expect(openssl(['verify', '-CAfile', paths.ca, paths.serverCert])).toContain('OK');
  });

  it('concurrent callers end with one consistent chain', async () => {
    const d = mkdtempSync(join(tmpdir(), 'netlab-certs-race-'));
    teardown.add(d, () => rmSync(d, { recursive: true, force: true }));
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureDevCerts({ dir: d })));
    expect(results.filter((r) => r.generated)).toHaveLength(1);
    expect(
      openssl([
        'verify',
        '-CAfile',
        join(d, 'ca.crt'),
        join(d, 'server.crt'),
        join(d, 'client.crt'),
      ]),
    ).toMatch(/OK[\s\S]*OK/);
  });

  it('loadCa reopens the dev CA, and leaves it issues chain to ca.crt', async () => {
    const ca = await loadCa(read(paths.ca), read(paths.caKey));
    const extra = await issueCertificate(ca, { usage: 'client', commonName: 'extra client' });
    const file = join(dir, 'extra.crt');
    writeFileSync(file, extra.cert);
    expect(openssl(['verify', '-purpose', 'sslclient', '-CAfile', paths.ca, file])).toContain('OK');
  });

  it('loadCa refuses a leaf certificate and a key from another pair', async () => {
    const leaf = loadCa(read(paths.serverCert), read(paths.serverKey));
    await expect(leaf).rejects.toBeInstanceOf(PkiError);
    await expect(leaf).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('CA:TRUE'),
    });
    await expect(loadCa(read(paths.ca), read(paths.clientKey))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('does not match'),
    });
  });

  it('loadCa refuses files that do not parse, with the same code', async () => {
    const garbage = loadCa('not a certificate', read(paths.caKey));
    await expect(garbage).rejects.toBeInstanceOf(PkiError);
    await expect(garbage).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('certificate does not parse'),
    });
    await expect(loadCa(read(paths.ca), read(paths.ca))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('private key does not parse'),
    });
  });

  it('refuses leaf validity above 825 days', async () => {
    const ca = await createCa();
    const tooLong = issueCertificate(ca, { usage: 'server', validityDays: 826 });
    await expect(tooLong).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(tooLong).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(issueCertificate(ca, { usage: 'server', validityDays: 0 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('"validityDays"'),
    });
  });
});

interface HandshakeResult {
  clientError?: NodeJS.ErrnoException;
  serverSawAuthorized?: boolean;
  echoed?: string;
}

/** A node:tls server requiring a client certificate from the dev CA; one client connects. */
async function handshake(
  serverCert: { cert: string; key: string },
  client: { cert?: string; key?: string; servername: string },
): Promise<HandshakeResult> {
  const server = createServer(
    {
      cert: serverCert.cert,
      key: serverCert.key,
      ca: read(paths.ca),
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (socket: TLSSocket) => {
      result.serverSawAuthorized = socket.authorized;
      socket.end('ok');
    },
  );
  server.on('tlsClientError', () => undefined);
  teardown.add(server, () => new Promise((r) => server.close(r)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const result: HandshakeResult = {};
  const socket = connect({
    port,
    host: '127.0.0.1',
    servername: client.servername,
    ca: read(paths.ca),
    cert: client.cert,
    key: client.key,
  });
  teardown.add(socket, () => socket.destroy());
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await new Promise<void>((resolve) => {
    socket.once('error', (err) => {
      result.clientError = err;
      resolve();
    });
    socket.once('close', () => resolve());
  });
  if (chunks.length > 0) result.echoed = Buffer.concat(chunks).toString();
  return result;
}

describe('node:tls with the dev PKI', () => {
  it('completes a mutual-TLS handshake (client cert verified by the server, SAN by the client)', async () => {
    const r = await handshake(
      { cert: read(paths.serverCert), key: read(paths.serverKey) },
      { cert: read(paths.clientCert), key: read(paths.clientKey), servername: 'localhost' },
    );
    expect(r.clientError).toBeUndefined();
    expect(r.serverSawAuthorized).toBe(true);
    expect(r.echoed).toBe('ok');
  });

  it('refuses a client without a certificate (TLS 1.3 certificate_required alert)', async () => {
    const r = await handshake(
      { cert: read(paths.serverCert), key: read(paths.serverKey) },
      { servername: 'localhost' },
    );
    expect(r.clientError?.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(r.echoed).toBeUndefined();
  });

  it('a server certificate without the SAN fails the client hostname check', async () => {
    const caForTest = await createCa();
    const noSan = await issueCertificate(caForTest, {
      usage: 'server',
      commonName: 'netlab server',
      dnsNames: [],
      ipAddresses: [],
    });
    const withSan = await issueCertificate(caForTest, {
      usage: 'server',
      commonName: 'netlab server',
    });
    const trust = caForTest.cert;
    const attempt = async (leaf: { cert: string; key: string }): Promise<string | undefined> => {
      const server = createServer({ cert: leaf.cert, key: leaf.key }, (s) => s.end('ok'));
      teardown.add(server, () => new Promise((r) => server.close(r)));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const socket = connect({
        port: (server.address() as { port: number }).port,
        host: '127.0.0.1',
        servername: 'localhost',
        ca: trust,
      });
      teardown.add(socket, () => socket.destroy());
      return new Promise<string | undefined>((resolve) => {
        socket.once('secureConnect', () => resolve(undefined));
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
      });
    };
    expect(await attempt(withSan)).toBeUndefined();
    expect(await attempt(noSan)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
