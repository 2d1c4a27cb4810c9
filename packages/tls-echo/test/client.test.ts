import { createServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectTimeoutError, silentLogger } from 'common';
import { Teardown, startServer, waitForEvent } from 'common/harness';
import {
  connectTlsEcho,
  createTlsEchoServer,
  describeConnection,
  type TlsEchoClientOptions,
} from '../src/index.ts';
import { expiredPki, loadPki, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

async function startEcho(credentials: { cert: string; key: string } = pki.server): Promise<number> {
  const server = createTlsEchoServer({ ...credentials, ca: pki.ca, logger: silentLogger() });
  const running = await startServer(server);
  teardown.add(running, () => running.close());
  return running.port;
}

async function connect(options: TlsEchoClientOptions): Promise<TLSSocket> {
  const socket = await connectTlsEcho({ ca: pki.ca, ...pki.client, ...options });
  return teardown.add(socket, () => socket.destroy());
}

async function failure(options: TlsEchoClientOptions): Promise<string | undefined> {
  const err = await connect(options).then(
    () => new Error('connected'),
    (e: NodeJS.ErrnoException) => e,
  );
  return (err as NodeJS.ErrnoException).code;
}

describe('connectTlsEcho', () => {
  it('connects with mutual TLS and describes the server certificate', async () => {
    const port = await startEcho();
    const socket = await connect({ port });
    const info = describeConnection(socket);
    expect(info).toMatchObject({
      authorized: true,
      authorizationError: undefined,
      protocol: 'TLSv1.3',
      sessionReused: false,
    });
    expect(info.server).toMatchObject({ subjectCN: 'localhost', issuerCN: 'netlab dev CA' });
    expect(info.server?.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(Date.parse(info.server!.validTo)).toBeGreaterThan(Date.now());
  });

  it('refuses a server whose certificate does not list --servername (hostname mismatch)', async () => {
    const port = await startEcho();
    expect(await failure({ port, servername: 'example.com' })).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('accepts a name the SAN lists', async () => {
    const port = await startEcho();
    const socket = await connect({ port, servername: 'localhost' });
    expect(socket.authorized).toBe(true);
  });

  it('refuses a server from a CA it was not given (Node roots only)', async () => {
    const port = await startEcho();
    expect(await failure({ port, ca: undefined })).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('refuses an expired server certificate', async () => {
    const expired = await expiredPki();
    const port = await startEcho(expired.server);
    expect(await failure({ port, ca: [pki.ca, expired.ca] })).toBe('CERT_HAS_EXPIRED');
  });

  it('with rejectUnauthorized false (--insecure), connects but reports unauthorized', async () => {
    const port = await startEcho();
    const socket = await connect({ port, ca: undefined, rejectUnauthorized: false });
    expect(describeConnection(socket)).toMatchObject({
      authorized: false,
      authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
  });

  it('reports ECONNREFUSED when nothing listens', async () => {
    const server = createServer();
    const running = await startServer(server);
    const port = running.port;
    await running.close();
    expect(await failure({ port })).toBe('ECONNREFUSED');
  });

  it('times out a server that never answers the ClientHello', async () => {
    const server = createServer(() => {});
    const running = await startServer(server);
    teardown.add(running, () => running.close());
    const err = await connect({ port: running.port, connectTimeout: 200 }).then(
      () => new Error('connected'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectTimeoutError);
    expect(err).toMatchObject({
      code: 'ERR_TLS_HANDSHAKE_TIMEOUT',
      timeoutMs: 200,
      address: '127.0.0.1',
      port: running.port,
    });
  });

  it('resumes a TLS 1.3 session from a ticket, still authorized by the server', async () => {
    const port = await startEcho();
    const first = await connect({ port });
    const [session] = await waitForEvent<[Buffer]>(first, 'session');
    const second = await connect({ port, session });
    expect(second.isSessionReused()).toBe(true);
    expect(describeConnection(second)).toMatchObject({ sessionReused: true, authorized: true });
    // The server only greets clients whose certificate it accepted (the resumed session keeps it).
    const [greeting] = await waitForEvent<[Buffer]>(second, 'data');
    expect(greeting.toString()).toBe('welcome!\n');
  });
});
