/**
 * `createHttpsServer` through common's server contract: graceful shutdown with HTTP/1.1
 * requests and HTTP/2 streams in flight (Connection: close and GOAWAY), the deadline, and the
 * redirect listener going down with the server.
 */
import { Agent, get } from 'node:https';
import type { ClientHttp2Session } from 'node:http2';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen, type NetlabServer } from 'common';
import { Teardown, waitForEvent, withTimeout } from 'common/harness';
import { h1, h2, h2Session, loadPki, startHttps, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

/** A shutdown deadline that a test can abort; aborted at teardown. */
function deadline(): AbortController {
  const controller = new AbortController();
  return teardown.add(controller, () => controller.abort());
}

describe('createHttpsServer as a NetlabServer', () => {
  it('has scheme https and an unstarted Http2SecureServer; the harness uses its tracker', async () => {
    const { app, ts } = await startHttps(teardown, pki);
    const contract: NetlabServer = app;
    expect(contract.scheme).toBe('https');
    expect(ts.connections).toBe(app.connections);
  });

  it('drain: in-flight HTTP/1.1 and HTTP/2 requests complete; Connection: close, GOAWAY; idle sockets closed', async () => {
    const { app, url } = await startHttps(teardown, pki, { keepAliveTimeout: 60_000 });
    // An idle HTTP/1.1 keep-alive socket…
    const agent = new Agent({ ca: pki.ca, keepAlive: true });
    teardown.add(agent, (a) => a.destroy());
    await new Promise<void>((resolve, reject) =>
      get(url('/'), { agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
    // …an HTTP/1.1 request in flight…
    const received = waitForEvent(app.server, 'request');
    const slow1 = h1(url('/slow?ms=300'), { ca: pki.ca });
    await received;
    // …and an HTTP/2 session with a stream in flight.
    const session: ClientHttp2Session = h2Session(teardown, url(), pki.ca);
    const goaway = waitForEvent<[number]>(session, 'goaway');
    const slow2 = h2(session, '/slow?ms=300');
    await waitForEvent(app.server, 'request');
    expect(app.connections.size).toBe(3);

    const closed = closeServer(app.server); // what serve() does first
    const drained = app.drain(deadline().signal);
    expect((await goaway)[0]).toBe(0); // GOAWAY NO_ERROR, while the stream is still running…
    expect(() => session.request({ ':path': '/' })).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP2_GOAWAY_SESSION' }), // …which refuses new streams
    );
    await drained;
    const [one, two] = await Promise.all([slow1, slow2]);
    expect([one.status, one.headers.connection]).toEqual([200, 'close']);
    expect(two).toMatchObject({ status: 200, body: 'slept 300 ms\n' });
    await withTimeout(closed, 5_000, 'server.close() once every connection is gone');
    expect(app.connections.size).toBe(0);
    expect(app.connections.stateSize).toBe(0);
  });

  it('drain resolves when the deadline aborts; destroyAll() then cuts an HTTP/2 stream still running', async () => {
    const { app, url } = await startHttps(teardown, pki);
    const session = h2Session(teardown, url(), pki.ca);
    const received = waitForEvent(app.server, 'request');
    const stuck = h2(session, '/slow?ms=10000').then(
      (res) => res.status,
      (err: NodeJS.ErrnoException) => err.code,
    );
    await received;
    const closed = closeServer(app.server);
    const controller = deadline();
    const drained = app.drain(controller.signal);
    controller.abort();
    await withTimeout(drained, 5_000, 'drain to resolve after the abort');
    expect(app.connections.destroyAll()).toBe(1);
    await closed;
    expect(await stuck).not.toBe(200); // cut: no status (NaN) or the stream's error code
  });

  it('drain closes the redirect listener too', async () => {
    const { app } = await startHttps(teardown, pki, { redirectHttp: true });
    const redirect = app.redirect!;
    await listen(redirect.server, { host: '127.0.0.1', port: 0 });
    teardown.add(redirect.server, (s) => (s.listening ? closeServer(s) : undefined));
    const closed = closeServer(app.server);
    await app.drain(deadline().signal);
    await closed;
    expect(redirect.server.listening).toBe(false);
  });
});
