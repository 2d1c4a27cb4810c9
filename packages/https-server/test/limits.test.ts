/**
 * The limits: http-server's for HTTP/1.1 (the same rows), and HTTP/2's own: concurrent
 * streams, the per-stream request timeout, idle sessions, and the flood guards. Raw frames
 * (test/raw-h2.ts) play the misbehaving client Node's own client refuses to be.
 */
import { fileURLToPath } from 'node:url';
import { connect } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flagName, InvalidArgumentError } from 'common';
import { execMain, Teardown, waitForEvent, withTimeout } from 'common/harness';
import type { Route } from 'http-server';
import { createHttpsServer, LIMITS } from '../src/index.ts';
import { CapturedLog, h2, h2Session, loadPki, startHttps, type Pki } from './helpers.ts';
import {
  FrameType,
  getRequest,
  H2Error,
  headersFrame,
  pingFrame,
  RawH2,
  settingsFrame,
} from './raw-h2.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** A child `main.ts` (tsx) may take a while to start on a loaded 2-core machine. */
const CHILD = { timeoutMs: 30_000 };
const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

describe('HTTP/1.1: http-server’s limits on the same port', () => {
  it('a slowloris head is cut with 408 after headersTimeout', async () => {
    const { port } = await startHttps(teardown, pki, {
      headersTimeout: 300,
      requestTimeout: 300,
      connectionsCheckingInterval: 100,
    });
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca });
    teardown.add(socket, (s) => s.destroy());
    await waitForEvent(socket, 'secureConnect');
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // …and never the empty line
    await waitForEvent(socket, 'close');
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('maxRequestsPerSocket: the last request gets Connection: close, a pipelined extra 503', async () => {
    const { port } = await startHttps(teardown, pki, { maxRequestsPerSocket: 2 });
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca });
    teardown.add(socket, (s) => s.destroy());
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(3));
    await withTimeout(
      new Promise<void>((resolve) =>
        socket.on('data', () => text.endsWith('0\r\n\r\n') && resolve()),
      ),
      5_000,
      'the third answer',
    );
    expect(text.match(/HTTP\/1\.1 \d+|Connection: [\w-]+/g)).toEqual([
      'HTTP/1.1 200',
      'Connection: keep-alive',
      'HTTP/1.1 200',
      'Connection: close',
      'HTTP/1.1 503',
      'Connection: close',
    ]);
  });
});

describe('HTTP/2 limits', () => {
  it('maxConcurrentStreams: announced in SETTINGS, and never more in flight at the server', async () => {
    let inFlight = 0;
    let most = 0;
    const count: Route = {
      path: '/count',
      methods: {
        GET: ({ res }) => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          setTimeout(() => {
            inFlight -= 1;
            res.writeHead(200, { 'Content-Type': 'text/plain' });
            res.end('ok');
          }, 100);
        },
      },
    };
    const { url } = await startHttps(teardown, pki, { maxConcurrentStreams: 2, routes: [count] });
    const session = h2Session(teardown, url(), pki.ca);
    await waitForEvent(session, 'remoteSettings');
    expect(session.remoteSettings.maxConcurrentStreams).toBe(2);
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => h2(session, '/count')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(most).toBe(2); // Node's client queued the rest until a stream closed
  });

  it('a client ignoring it in its first flight: each stream over the limit is refused (REFUSED_STREAM)', async () => {
    const { port } = await startHttps(teardown, pki, { maxConcurrentStreams: 1 });
    // Not acknowledging the SETTINGS yet: Node refuses each stream over the limit on its own.
    const peer = teardown.add(await RawH2.connect(port, pki.ca, { ack: false }), (p) =>
      p.destroy(),
    );
    peer.write(headersFrame(1, getRequest('/slow?ms=100')));
    for (let id = 3; id <= 9; id += 2) peer.write(headersFrame(id, getRequest('/')));
    for (let id = 3; id <= 9; id += 2) expect(await peer.rstCode(id)).toBe(H2Error.RefusedStream);
    // …while stream 1 is answered: the session carries on.
    await peer.waitForFrame(
      (f) => f.type === FrameType.Headers && f.stream === 1,
      'the answer on stream 1',
    );
  });

  it('…and once it acknowledged the limit, one stream too many ends the session (nghttp2: PROTOCOL_ERROR)', async () => {
    const log = new CapturedLog();
    const { port } = await startHttps(teardown, pki, {
      maxConcurrentStreams: 1,
      logger: log.logger,
    });
    const peer = teardown.add(await RawH2.connect(port, pki.ca), (p) => p.destroy());
    peer.write(headersFrame(1, getRequest('/slow?ms=500')), headersFrame(3, getRequest('/')));
    await peer.closed;
    expect(await log.waitFor('HTTP/2 session error')).toMatchObject({ reason: 'Protocol error' });
  });

  it('a SETTINGS frame with more than maxSettings entries: GOAWAY ENHANCE_YOUR_CALM', async () => {
    const { port } = await startHttps(teardown, pki, { maxSettings: 4 });
    const peer = teardown.add(await RawH2.connect(port, pki.ca), (p) => p.destroy());
    peer.write(settingsFrame(Array.from({ length: 5 }, () => [1, 4096] as [number, number])));
    expect(await peer.goawayCode()).toBe(H2Error.EnhanceYourCalm);
  });

  it('a PING flood from a client that does not read the ACKs ends the session (nghttp2 flood guard)', async () => {
    const log = new CapturedLog();
    const { port } = await startHttps(teardown, pki, { logger: log.logger });
    const peer = teardown.add(await RawH2.connect(port, pki.ca), (p) => p.destroy());
    peer.socket.pause(); // never read: the server's ACKs pile up
    const flood = Buffer.concat(Array.from({ length: 20_000 }, () => pingFrame()));
    peer.socket.write(flood);
    const record = await log.waitFor('HTTP/2 session error');
    expect(record).toMatchObject({ code: 'ERR_HTTP2_ERROR' });
    expect(String(record.reason)).toMatch(/[Ff]lood/);
  });

  it('requestTimeout per stream: a body that never ends gets 408, then the stream is reset (NO_ERROR)', async () => {
    const { url } = await startHttps(teardown, pki, { requestTimeout: 300, headersTimeout: 300 });
    const session = h2Session(teardown, url(), pki.ca);
    const stream = session.request({ ':method': 'POST', ':path': '/echo' });
    stream.write('part of a body…'); // and never end()
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (body += c));
    const [headers] = await waitForEvent<[Record<string, unknown>]>(stream, 'response');
    expect(headers[':status']).toBe(408);
    await waitForEvent(stream, 'close');
    expect(body).toBe('Request Timeout\n');
    expect((await h2(session, '/')).status).toBe(200); // only that stream
  });

  it('a silent session gets GOAWAY (NO_ERROR) after keepAliveTimeout', async () => {
    const { url } = await startHttps(teardown, pki, { keepAliveTimeout: 200 });
    const session = h2Session(teardown, url(), pki.ca);
    await h2(session, '/');
    const [code] = await waitForEvent<[number]>(session, 'goaway');
    expect(code).toBe(0);
  });
});

describe('options and flags, from one table', () => {
  it('the library refuses bad values with Node’s codes', () => {
    const base = { ...pki.server };
    expect(() => createHttpsServer({ ...base, maxConcurrentStreams: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => createHttpsServer({ ...base, tlsProfile: 'old' as 'modern' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => createHttpsServer({ ...base, requireClientCert: true })).toThrow(
      InvalidArgumentError,
    );
  });

  it('the CLI shows every limit in --help and refuses one out of bounds, naming the flag (exit 2)', async () => {
    const help = await execMain(MAIN, ['--help'], CHILD);
    expect(help.code).toBe(0);
    for (const [key, limit] of Object.entries(LIMITS))
      expect(help.stdout).toContain(flagName(key, limit));
    const bad = await execMain(MAIN, ['--max-concurrent-streams', '0'], CHILD);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-concurrent-streams');
  });
});
