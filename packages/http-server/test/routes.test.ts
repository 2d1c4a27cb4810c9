import { afterEach, describe, expect, it } from 'vitest';
import { RawClient, Teardown } from 'common/harness';
import { request } from '../src/client.ts';
import { STATIC_BODY_BYTES } from '../src/constants.ts';
import { captureLogger, startHttp } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

describe('routes', () => {
  it("GET / is the book's Hello World", async () => {
    const { url } = await startHttp(teardown);
    const res = await request(url('/'), { agent: false });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.body.toString()).toBe('Hello World\n');
  });

  it('HEAD / has the GET headers and no body', async () => {
    const { ts } = await startHttp(teardown);
    const raw = teardown.add(await RawClient.connect({ port: ts.port }), () => undefined);
    raw.write('HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const text = (await raw.waitForEnd()).toString();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toMatch(/Content-Length: 12\r\n/);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('GET /inspect shows lower-cased headers and rawHeaders exactly as sent', async () => {
    const { ts } = await startHttp(teardown);
    const raw = await RawClient.connect({ port: ts.port });
    raw.write(
      'GET /inspect?q=1 HTTP/1.1\r\nhOsT: Example\r\nX-CuStOm: One\r\nx-custom: two\r\nConnection: close\r\n\r\n',
    );
    const text = (await raw.waitForEnd()).toString();
    const json = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(json).toMatchObject({ method: 'GET', url: '/inspect?q=1', httpVersion: '1.1' });
    expect(json.headers).toMatchObject({ host: 'Example', 'x-custom': 'One, two' });
    expect(json.rawHeaders).toEqual([
      'hOsT',
      'Example',
      'X-CuStOm',
      'One',
      'x-custom',
      'two',
      'Connection',
      'close',
    ]);
  });

  it('POST /echo returns the body with its content-type and a byte-exact Content-Length', async () => {
    const { url } = await startHttp(teardown);
    const text = '床前明月光，疑是地上霜。';
    const res = await request(url('/echo'), {
      agent: false,
      body: text,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(res.body.toString('utf8')).toBe(text);
  });

  it('POST /echo reads a chunked request body of unknown length', async () => {
    const { ts } = await startHttp(teardown);
    const raw = await RawClient.connect({ port: ts.port });
    raw.write(
      'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    );
    raw.write('5\r\nhello\r\n');
    raw.write('6\r\n world\r\n0\r\n\r\n');
    const text = (await raw.waitForEnd()).toString();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toMatch(/Content-Length: 11\r\n/);
    expect(text.endsWith('\r\n\r\nhello world')).toBe(true);
  });

  it('GET /slow?ms=N answers after N ms; N over 10 000 or not a number is 400', async () => {
    const { url } = await startHttp(teardown);
    const ok = await request(url('/slow?ms=30'), { agent: false });
    expect(ok.statusCode).toBe(200);
    expect(ok.body.toString()).toBe('slept 30 ms\n');
    for (const bad of ['/slow?ms=10001', '/slow?ms=abc']) {
      const res = await request(url(bad), { agent: false });
      expect(res.statusCode).toBe(400);
      expect(res.body.toString()).toMatch(/ms must be/);
    }
  });

  it('/static/string and /static/buffer send the same 10 KiB', async () => {
    const { url } = await startHttp(teardown);
    const a = await request(url('/static/string'), { agent: false });
    const b = await request(url('/static/buffer'), { agent: false });
    expect(a.body.length).toBe(STATIC_BODY_BYTES);
    expect(a.headers['content-length']).toBe(String(STATIC_BODY_BYTES));
    expect(a.body.equals(b.body)).toBe(true);
    expect(a.headers['content-type']).toBe(b.headers['content-type']);
  });

  it('/headers-demo: setHeader overrides, writeHead wins, Set-Cookie array, ERR_HTTP_HEADERS_SENT', async () => {
    const { url } = await startHttp(teardown);
    const res = await request(url('/headers-demo'), { agent: false });
    expect(res.headers['x-demo']).toBe('second setHeader replaces the first');
    expect(res.headers['x-set-by']).toBe('writeHead wins over setHeader');
    expect(res.headers['x-written-by']).toBe('writeHead');
    expect(res.headers['set-cookie']).toEqual([
      'demo=1; Path=/; HttpOnly',
      'theme=dark; Path=/; SameSite=Lax',
    ]);
    expect(res.headers['x-too-late']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.body.toString()).toMatch(/threw ERR_HTTP_HEADERS_SENT/);
  });

  it('an unknown path is 404; a wrong method is 405 with Allow', async () => {
    const { url } = await startHttp(teardown);
    expect((await request(url('/nope'), { agent: false })).statusCode).toBe(404);
    const res = await request(url('/echo'), { agent: false });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    const put = await request(url('/'), { agent: false, method: 'PUT' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
  });

  it('a handler that throws or rejects gives 500 and an error log line; the server keeps serving', async () => {
    const { logger, lines } = captureLogger();
    const { url } = await startHttp(teardown, {
      logger,
      routes: [
        {
          path: '/throw',
          methods: {
            GET: () => {
              throw new Error('boom');
            },
          },
        },
        {
          path: '/reject',
          methods: {
            GET: async () => {
              throw new Error('async boom');
            },
          },
        },
      ],
    });
    for (const path of ['/throw', '/reject']) {
      const res = await request(url(path), { agent: false });
      expect(res.statusCode).toBe(500);
    }
    const errors = lines.filter((l) => l.msg === 'handler error');
    expect(errors.map((l) => l.url)).toEqual(['/throw', '/reject']);
    expect((await request(url('/'), { agent: false })).statusCode).toBe(200);
  });

  it('a handler failing after the head was sent cuts the connection instead of hanging', async () => {
    const { url } = await startHttp(teardown, {
      routes: [
        {
          path: '/half',
          methods: {
            GET: async ({ res }) => {
              res.writeHead(200, { 'Content-Length': 100 });
              res.write('partial');
              await Promise.resolve();
              throw new Error('late boom');
            },
          },
        },
      ],
    });
    await expect(request(url('/half'), { agent: false })).rejects.toMatchObject({
      code: expect.any(String),
    });
  });
});
