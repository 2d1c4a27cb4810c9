/**
 * The TLS profile: its values against Mozilla's guidelines 6.0, and what a `node:tls` server
 * configured with it really negotiates (probed one suite per handshake, ECDSA and RSA keys).
 */
import { constants } from 'node:crypto';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, Teardown, waitForEvent } from 'common/harness';
import {
  createCa,
  hstsHeader,
  INTERMEDIATE_TLS12_CIPHERS,
  issueCertificate,
  supportedGroups,
  TLS13_CIPHERSUITES,
  tlsProfile,
  tlsProfileOptions,
  type CertificatePem,
  type TlsProfileName,
} from '../src/index.ts';
import { acceptsVersion, handshake, negotiableSuites, type ProbeTarget } from '../src/probe.ts';
import { loadPki, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
let rsa: { ca: string; server: CertificatePem };
beforeAll(async () => {
  pki = await loadPki();
  const rsaCa = await createCa({ algorithm: 'rsa-2048', commonName: 'rsa test CA' });
  rsa = { ca: rsaCa.cert, server: await issueCertificate(rsaCa, { usage: 'server' }) };
});

/** A bare `node:tls` server with the profile; returns a probe target for it. */
async function serve(
  server: CertificatePem,
  ca: string,
  name: TlsProfileName = 'intermediate',
): Promise<ProbeTarget> {
  const tls = createServer({ ...tlsProfileOptions(tlsProfile(name)), ...server }, (socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket); // an echo: the connection stays open until the client closes it
  });
  const running = await startServer(tls);
  teardown.add(running, () => running.close());
  return { host: '127.0.0.1', port: running.port, ca };
}

const ecdsaSuites = INTERMEDIATE_TLS12_CIPHERS.filter((c) => c.includes('ECDSA'));
const rsaSuites = INTERMEDIATE_TLS12_CIPHERS.filter((c) => c.includes('-RSA-'));

describe('the profile, as data (Mozilla guidelines 6.0)', () => {
  it('intermediate: TLS 1.2 and 1.3, six ECDHE+AEAD suites, the groups, HSTS two years', () => {
    const p = tlsProfile('intermediate', '3.0.19');
    expect([p.minVersion, p.maxVersion]).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(p.tls12Ciphers).toHaveLength(6);
    for (const suite of p.tls12Ciphers)
      expect(suite).toMatch(/^ECDHE-(ECDSA|RSA)-.*(GCM|POLY1305)/);
    expect(p.tls13Ciphersuites).toEqual([
      'TLS_AES_128_GCM_SHA256',
      'TLS_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
    ]);
    expect(p.groups).toEqual(['X25519', 'prime256v1', 'secp384r1']);
    expect(hstsHeader(p)).toBe('max-age=63072000');
    expect(p.secureOptions & constants.SSL_OP_NO_RENEGOTIATION).toBe(
      constants.SSL_OP_NO_RENEGOTIATION,
    );
  });

  it('modern: TLS 1.3 only, client order, the same groups', () => {
    const o = tlsProfileOptions(tlsProfile('modern', '3.0.19'));
    expect(o).toMatchObject({ minVersion: 'TLSv1.3', honorCipherOrder: false });
    expect(o.ciphers).toBe(TLS13_CIPHERSUITES.join(':'));
  });

  it('keeps X25519MLKEM768 first from OpenSSL 3.5 on, drops it before (Node 20 has 3.0)', () => {
    expect(supportedGroups('3.5.0')[0]).toBe('X25519MLKEM768');
    expect(supportedGroups('4.0.0')).toHaveLength(4);
    expect(supportedGroups('3.0.19+quic')).not.toContain('X25519MLKEM768');
    expect(tlsProfile().groups).toEqual(supportedGroups(process.versions.openssl));
  });
});

describe('a node:tls server with the intermediate profile', () => {
  it('negotiates exactly the profile’s TLS 1.2 suites for its key type, and its TLS 1.3 suites', async () => {
    const ecdsa = await serve(pki.server, pki.ca);
    expect(await negotiableSuites(ecdsa, 'TLSv1.2')).toEqual([...ecdsaSuites].sort());
    expect(await negotiableSuites(ecdsa, 'TLSv1.3')).toEqual([...TLS13_CIPHERSUITES].sort());
    const rsaTarget = await serve(rsa.server, rsa.ca);
    expect(await negotiableSuites(rsaTarget, 'TLSv1.2')).toEqual([...rsaSuites].sort());
  });

  it('refuses TLS 1.1, TLS 1.0 and a TLS 1.2 client that offers only CBC suites', async () => {
    const target = await serve(pki.server, pki.ca);
    expect(await acceptsVersion(target, 'TLSv1.1')).toEqual({
      ok: false,
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    });
    expect((await acceptsVersion(target, 'TLSv1')).ok).toBe(false);
    const cbc = 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA';
    expect(
      await handshake(target, { ciphers: cbc, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }),
    ).toEqual({ ok: false, code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
  });

  it('picks by its own order, except that a client preferring ChaCha20 gets it', async () => {
    const target = await serve(pki.server, pki.ca);
    const tls12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
    const aesFirst = 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256';
    expect(await handshake(target, { ...tls12, ciphers: aesFirst })).toMatchObject({
      cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256',
    });
    const chachaFirst = 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256';
    expect(await handshake(target, { ...tls12, ciphers: chachaFirst })).toMatchObject({
      cipher: 'ECDHE-ECDSA-CHACHA20-POLY1305',
    });
  });

  it('refuses a client that offers only a group outside the profile (secp521r1)', async () => {
    const target = await serve(pki.server, pki.ca);
    const socket = connect({ ...target, servername: 'localhost', ecdhCurve: 'secp521r1' });
    teardown.add(socket, (s) => s.destroy());
    const [err] = await waitForEvent<[NodeJS.ErrnoException]>(socket, 'error');
    expect(err.code).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
  });

  it('refuses renegotiation (SSL_OP_NO_RENEGOTIATION)', async () => {
    const target = await serve(pki.server, pki.ca);
    const socket: TLSSocket = connect({
      ...target,
      servername: 'localhost',
      maxVersion: 'TLSv1.2',
    });
    teardown.add(socket, (s) => s.destroy());
    await waitForEvent(socket, 'secureConnect');
    const failed = waitForEvent<[NodeJS.ErrnoException]>(socket, 'error');
    socket.renegotiate({}, () => undefined);
    socket.write('x'); // the server's refusal arrives as an alert on the next read
    const [err] = await failed;
    expect(err.message).toMatch(/no renegotiation/);
  });
});

describe('a node:tls server with the modern profile', () => {
  it('speaks TLS 1.3 only', async () => {
    const target = await serve(pki.server, pki.ca, 'modern');
    expect(await acceptsVersion(target, 'TLSv1.2')).toEqual({
      ok: false,
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    });
    expect(await acceptsVersion(target, 'TLSv1.3')).toMatchObject({
      ok: true,
      protocol: 'TLSv1.3',
    });
    expect(await negotiableSuites(target, 'TLSv1.3')).toEqual([...TLS13_CIPHERSUITES].sort());
  });
});
