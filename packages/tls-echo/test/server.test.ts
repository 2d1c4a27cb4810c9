import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { explainTlsError } from 'certs';
import { Teardown, startServer, waitForEvent, withTimeout } from 'common/harness';
import { TlsEchoServer, createTlsEchoServer, type TlsEchoServerOptions } from '../src/index.ts';
import { CapturedLog, TlsPeer, expiredPki, loadPki, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
let expired: Awaited<ReturnType<typeof expiredPki>>;
beforeAll(async () => {
  [pki, expired] = await Promise.all([loadPki(), expiredPki()]);
});

async function start(options: Partial<TlsEchoServerOptions> = {}) {
  const log = new CapturedLog();
  const app = createTlsEchoServer({ ...pki.server, ca: pki.ca, logger: log.logger, ...options });
  const running = await startServer(app);
  teardown.add(running, () => running.close());
  return { log, port: running.port, app };
}

describe('createTlsEchoServer', () => {
  it('greets a client with a certificate from its CA and echoes (mutual TLS)', async () => {
    const { log, port } = await start();
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.client });
    teardown.add(client, () => client.destroy());
    await client.waitForText('welcome!\n');
    client.socket.write('hello, 世界\n');
    expect(await client.waitForText('hello, 世界\n')).toBe('welcome!\nhello, 世界\n');
    const record = await log.waitFor((r) => r.msg === 'secure connection: authorized');
    expect(record).toMatchObject({
      authorized: true,
      peerCN: 'netlab dev client',
      protocol: 'TLSv1.3',
    });
    expect(record.peerFingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(record.cipher).toMatch(/^TLS_/);
    expect(client.socket.authorized).toBe(true);
  });

  it('echoes everything after a half-close, with backpressure, then ends', async () => {
    const { port } = await start();
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.client });
    teardown.add(client, () => client.destroy());
    await client.waitForText('welcome!\n');
    const payload = 'x'.repeat(4 * 1024 * 1024);
    client.socket.end(payload);
    expect(await client.errorCode()).toBeUndefined();
    expect(client.text.length).toBe('welcome!\n'.length + payload.length);
  });

  it('refuses a client without a certificate (TLS 1.3: certificate_required)', async () => {
    const { log, port } = await start();
    const client = new TlsPeer({ port, ca: pki.ca });
    teardown.add(client, () => client.destroy());
    expect(await client.errorCode()).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(await log.handshakeFailure()).toBe('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
    expect(client.text).toBe('');
  });

  it('refuses a client without a certificate over TLS 1.2 (handshake_failure)', async () => {
    const { log, port } = await start();
    const client = new TlsPeer({ port, ca: pki.ca, maxVersion: 'TLSv1.2' });
    teardown.add(client, () => client.destroy());
    expect(await client.errorCode()).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect(await log.handshakeFailure()).toBe('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
  });

  it('refuses a client certificate signed by another CA, logging why', async () => {
    const { log, port } = await start();
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.otherCaClient });
    teardown.add(client, () => client.destroy());
    // Node's server closes without a TLS alert: over TLS 1.3 the client just sees the end.
    expect(await client.errorCode()).toBeUndefined();
    expect(client.text).toBe('');
    const record = await log.waitFor(
      (r) => r.msg === 'TLS handshake failed: client certificate rejected',
    );
    expect(record).toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      errorCode: 'ECONNRESET',
    });
  });

  it('refuses a client certificate signed by another CA over TLS 1.2 (connection reset)', async () => {
    const { log, port } = await start();
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.otherCaClient, maxVersion: 'TLSv1.2' });
    teardown.add(client, () => client.destroy());
    expect(await client.errorCode()).toBe('ECONNRESET');
    expect(await log.handshakeFailure()).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('refuses an expired client certificate from a trusted CA', async () => {
    const { log, port } = await start({ ca: [pki.ca, expired.ca] });
    const client = new TlsPeer({ port, ca: pki.ca, ...expired.client });
    teardown.add(client, () => client.destroy());
    expect(await client.errorCode()).toBeUndefined();
    expect(client.text).toBe('');
    expect(await log.handshakeFailure()).toBe('CERT_HAS_EXPIRED');
  });

  it('refuses TLS 1.1: the server rejects the version (unsupported protocol)', async () => {
    const { log, port } = await start();
    // OpenSSL 3 disables TLS 1.1 at the default security level on the client side too;
    // SECLEVEL=0 lets this client offer it, so the refusal we see is the server's.
    const client = new TlsPeer({
      port,
      ca: pki.ca,
      ...pki.client,
      minVersion: 'TLSv1.1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    teardown.add(client, () => client.destroy());
    expect(await client.errorCode()).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(await log.handshakeFailure()).toBe('ERR_SSL_UNSUPPORTED_PROTOCOL');
  });

  it('keeps serving after failed handshakes', async () => {
    const { log, port } = await start();
    const bad = new TlsPeer({ port, ca: pki.ca, ...pki.otherCaClient });
    teardown.add(bad, () => bad.destroy());
    await bad.errorCode();
    await log.handshakeFailure();
    const good = new TlsPeer({ port, ca: pki.ca, ...pki.client });
    teardown.add(good, () => good.destroy());
    await good.waitForText('welcome!\n');
  });

  it('aborts a handshake that does not finish in handshakeTimeout', async () => {
    const { log, port } = await start({ handshakeTimeout: 200 });
    const socket = connect(port, '127.0.0.1'); // TCP only: never sends a ClientHello
    teardown.add(socket, () => socket.destroy());
    socket.on('error', () => {});
    expect(await log.handshakeFailure()).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    await withTimeout(once(socket, 'close'), 5_000, 'the server to close the socket');
  });

  it('cleans up after a client that rejects the server certificate mid-handshake', async () => {
    // A Node client that refuses the server (here: a name not in the SAN) closes without an
    // alert, and Node's server does not notice until the handshake timeout (Node 20).
    const { log, port, app } = await start({ handshakeTimeout: 300 });
    const rawClosed = new Promise<void>((resolve) =>
      app.server.once('connection', (raw: Socket) => raw.once('close', () => resolve())),
    );
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.client, servername: 'example.com' });
    teardown.add(client, () => client.destroy());
    expect(await client.errorCode()).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(explainTlsError(await log.handshakeFailure())).toBeDefined();
    await withTimeout(rawClosed, 5_000, 'the server to close its socket');
  });

  it('closes an idle connection after idleTimeout', async () => {
    const { log, port } = await start({ idleTimeout: 200 });
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.client });
    teardown.add(client, () => client.destroy());
    await client.waitForText('welcome!\n');
    await client.errorCode();
    // (the message comes from tcp-server's handleEchoConnection)
    await log.waitFor((r) => /idle timeout/i.test(String(r.msg)));
  });

  it('with allowUnauthorized, accepts and logs a client without a certificate (the book’s demo)', async () => {
    const { log, port } = await start({ allowUnauthorized: true });
    const client = new TlsPeer({ port, ca: pki.ca });
    teardown.add(client, () => client.destroy());
    await client.waitForText('welcome!\n');
    const record = await log.waitFor((r) => String(r.msg).startsWith('secure connection'));
    expect(record).toMatchObject({
      authorized: false,
      authorizationError: 'NO_CLIENT_CERTIFICATE',
      level: 40,
    });
    expect(record.peerCN).toBeUndefined();
  });

  it('with allowUnauthorized, logs the authorizationError of a certificate from another CA', async () => {
    const { log, port } = await start({ allowUnauthorized: true });
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.otherCaClient });
    teardown.add(client, () => client.destroy());
    await client.waitForText('welcome!\n');
    const record = await log.waitFor((r) => String(r.msg).startsWith('secure connection'));
    expect(record).toMatchObject({ authorized: false, peerCN: 'stranger' });
    expect(explainTlsError(String(record.authorizationError))).toBeDefined();
  });

  it('drain: close_notify after the greeting, then resolves once every connection closed', async () => {
    const { app, port } = await start();
    expect(app).toBeInstanceOf(TlsEchoServer);
    expect(app.scheme).toBe('tls');
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.client });
    teardown.add(client, () => client.destroy());
    await client.waitForText('welcome!\n');
    // One raw socket (from `connection`) and one echo handle (under its TLSSocket).
    expect(app.connections.size).toBe(1);
    expect(app.connections.stateSize).toBe(1);
    const [key] = [...app.connections.entries()][0]!;
    expect(key).toBeInstanceOf(TLSSocket);
    await app.drain(new AbortController().signal);
    expect(app.connections.size).toBe(0);
    expect(app.connections.stateSize).toBe(0);
    // A clean TLS end (close_notify, then FIN), no reset, nothing after the greeting.
    expect(await client.errorCode()).toBeUndefined();
    expect(client.text).toBe('welcome!\n');
  });

  it('drain: echoes what was already sent before ending', async () => {
    const { app, port } = await start();
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.client });
    teardown.add(client, () => client.destroy());
    await client.waitForText('welcome!\n');
    client.socket.write('last words\n');
    await client.waitForText('last words\n');
    await app.drain(new AbortController().signal);
    expect(await client.errorCode()).toBeUndefined();
    expect(client.text).toBe('welcome!\nlast words\n');
  });

  it('drain: a handshake that completes during the drain is greeted, then ended', async () => {
    const { app, port } = await start();
    let drained: Promise<void> | undefined;
    // The raw socket is accepted before the TLS handshake: drain starts mid-handshake.
    app.server.once('connection', () => {
      drained = app.drain(new AbortController().signal);
    });
    const client = new TlsPeer({ port, ca: pki.ca, ...pki.client });
    teardown.add(client, () => client.destroy());
    expect(await client.errorCode()).toBeUndefined();
    expect(client.text).toBe('welcome!\n');
    await withTimeout(drained!, 5_000, 'the drain to resolve');
    expect(app.connections.size).toBe(0);
  });

  it('drain: resolves when the signal aborts, leaving a stalled handshake to the caller', async () => {
    const { app, port } = await start();
    const accepted = waitForEvent(app.server, 'connection');
    const raw = connect(port, '127.0.0.1'); // TCP only: never sends a ClientHello
    teardown.add(raw, () => raw.destroy());
    raw.on('error', () => {});
    await accepted;
    expect(app.connections.size).toBe(1);
    const controller = new AbortController();
    const drained = app.drain(controller.signal);
    controller.abort();
    await withTimeout(drained, 5_000, 'the drain to resolve on abort');
    expect(app.connections.size).toBe(1);
    expect(app.connections.destroyAll()).toBe(1);
    await withTimeout(once(raw, 'close'), 5_000, 'the destroyed socket to close');
  });

  it('explains every code it logs', async () => {
    for (const code of [
      'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'CERT_HAS_EXPIRED',
      'ERR_SSL_UNSUPPORTED_PROTOCOL',
      'ERR_TLS_HANDSHAKE_TIMEOUT',
    ]) {
      expect(explainTlsError(code), code).toBeDefined();
    }
  });
});
