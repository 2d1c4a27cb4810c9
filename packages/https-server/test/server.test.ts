/**
 * The book's HTTPS server over both transports: `/` over HTTP/1.1 (the book's https.request)
 * and HTTP/2 (http2.connect), the ALPN choice, HSTS, the whole route table over both, and the
 * book's failure without the CA.
 */
import { connect } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Teardown, waitForEvent } from 'common/harness';
import { HELLO } from '../src/constants.ts';
import { h1, h2, h2Session, loadPki, startHttps, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

describe('GET / (§7.5.3 hello world)', () => {
  it('over HTTP/1.1 with the CA (https.request, no ALPN): hello world', async () => {
    const { url } = await startHttps(teardown, pki);
    const res = await h1(url('/'), { ca: pki.ca });
    expect(res).toMatchObject({ status: 200, body: HELLO, statusMessage: 'OK' });
    expect(res.headers['content-type']).toBe('text/plain');
  });

  it('over HTTP/2 (http2.connect): the same answer', async () => {
    const { url } = await startHttps(teardown, pki);
    const res = await h2(h2Session(teardown, url(), pki.ca), '/');
    expect(res).toMatchObject({ status: 200, body: HELLO, statusMessage: '' });
  });

  it('sends HSTS (max-age=63072000) and the security headers over both', async () => {
    const { url } = await startHttps(teardown, pki);
    const one = await h1(url('/no-such-path'), { ca: pki.ca });
    const two = await h2(h2Session(teardown, url(), pki.ca), '/');
    for (const res of [one, two]) {
      expect(res.headers['strict-transport-security']).toBe('max-age=63072000');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
    expect(one.status).toBe(404); // on every routed answer, errors included
  });

  it('without the CA fails the way the book says: UNABLE_TO_VERIFY_LEAF_SIGNATURE', async () => {
    const { url } = await startHttps(teardown, pki);
    await expect(h1(url('/'))).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });
});

describe('ALPN picks the protocol (RFC 7301)', () => {
  it.each([
    [['h2', 'http/1.1'], 'h2'],
    [['http/1.1', 'h2'], 'h2'], // the server's preference wins
    [['http/1.1'], 'http/1.1'],
    [undefined, false], // no ALPN (the book's client): HTTP/1.1 anyway
  ] as const)('client offers %j → %s', async (offered, chosen) => {
    const { port } = await startHttps(teardown, pki);
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: pki.ca,
      ALPNProtocols: offered === undefined ? undefined : [...offered],
    });
    teardown.add(socket, (s) => s.destroy());
    await waitForEvent(socket, 'secureConnect');
    expect(socket.alpnProtocol).toBe(chosen);
  });

  it('a client offering only an unknown protocol is refused (no_application_protocol)', async () => {
    const { port } = await startHttps(teardown, pki);
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: pki.ca,
      ALPNProtocols: ['spdy/3'],
    });
    teardown.add(socket, (s) => s.destroy());
    const [err] = await waitForEvent<[NodeJS.ErrnoException]>(socket, 'error');
    expect(err.code).toBe('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
  });
});

describe('one route table, two transports', () => {
  /** Routes whose answer does not depend on the transport: status and body must match. */
  const SAME = [
    ['GET', '/'],
    ['GET', '/static/string'],
    ['GET', '/static/buffer'],
    ['GET', '/slow?ms=1'],
    ['GET', '/slow?ms=oops'],
    ['POST', '/echo'],
    ['GET', '/nope'],
    ['DELETE', '/'],
    ['HEAD', '/'],
  ] as const;

  it.each(SAME)(
    '%s %s: the same status, type and body over HTTP/1.1 and HTTP/2',
    async (method, path) => {
      const { url } = await startHttps(teardown, pki);
      const body = method === 'POST' ? 'échange' : undefined;
      const headers =
        body === undefined ? undefined : { 'content-type': 'text/plain; charset=utf-8' };
      const one = await h1(url(path), { ca: pki.ca, method, body, headers });
      const two = await h2(h2Session(teardown, url(), pki.ca), path, { method, body, headers });
      expect(two.status).toBe(one.status);
      expect(two.body).toBe(one.body);
      expect(two.headers['content-type']).toBe(one.headers['content-type']);
      expect(two.headers.allow).toBe(one.headers.allow);
    },
  );

  it('/inspect and /tls report the transport they saw', async () => {
    const { url } = await startHttps(teardown, pki);
    const session = h2Session(teardown, url(), pki.ca);
    const one = JSON.parse((await h1(url('/tls'), { ca: pki.ca })).body) as Record<string, unknown>;
    const two = JSON.parse((await h2(session, '/tls')).body) as Record<string, unknown>;
    expect(one).toMatchObject({ httpVersion: '1.1', alpnProtocol: false, protocol: 'TLSv1.3' });
    expect(two).toMatchObject({ httpVersion: '2.0', alpnProtocol: 'h2', servername: 'localhost' });
    const inspect = JSON.parse((await h2(session, '/inspect')).body) as { httpVersion: string };
    expect(inspect.httpVersion).toBe('2.0');
  });
});
