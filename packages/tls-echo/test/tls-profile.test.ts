/**
 * tls-echo negotiates exactly the project's TLS profile (packages/certs, Mozilla's guidelines
 * 6.0): probed one suite per handshake with a client certificate, as a scanner would.
 */
import { INTERMEDIATE_TLS12_CIPHERS, TLS13_CIPHERSUITES } from 'certs';
import { acceptsVersion, handshake, negotiableSuites, type ProbeTarget } from 'certs/probe';
import { silentLogger } from 'common';
import { startServer, Teardown } from 'common/harness';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTlsEchoServer } from '../src/index.ts';
import { loadPki, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

async function start(tlsProfile?: 'intermediate' | 'modern'): Promise<ProbeTarget> {
  const app = createTlsEchoServer({
    ...pki.server,
    ca: pki.ca,
    tlsProfile,
    logger: silentLogger(),
  });
  const running = await startServer(app);
  teardown.add(running, () => running.close());
  return { host: '127.0.0.1', port: running.port, ca: pki.ca, ...pki.client };
}

describe('tls-echo and the TLS profile', () => {
  it('negotiates exactly the profile’s suites (ECDSA certificate): no CBC, no static RSA, no DHE', async () => {
    const target = await start();
    expect(await negotiableSuites(target, 'TLSv1.2')).toEqual(
      INTERMEDIATE_TLS12_CIPHERS.filter((c) => c.includes('ECDSA')).sort(),
    );
    expect(await negotiableSuites(target, 'TLSv1.3')).toEqual([...TLS13_CIPHERSUITES].sort());
  });

  it('refuses TLS 1.1 and a CBC-only TLS 1.2 client; --tls-profile modern refuses TLS 1.2', async () => {
    const target = await start();
    expect(await acceptsVersion(target, 'TLSv1.1')).toMatchObject({ ok: false });
    expect(
      await handshake(target, {
        ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA',
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.2',
      }),
    ).toEqual({ ok: false, code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
    const modern = await start('modern');
    expect(await acceptsVersion(modern, 'TLSv1.2')).toMatchObject({ ok: false });
    expect(await acceptsVersion(modern, 'TLSv1.3')).toMatchObject({ ok: true });
  });
});
