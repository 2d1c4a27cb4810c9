/** `--redirect-http`: the pure Location builder, and the listener answering 308. */
import { request } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen } from 'common';
import { Teardown } from 'common/harness';
import { redirectLocation } from '../src/index.ts';
import { loadPki, startHttps, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

describe('redirectLocation', () => {
  it.each([
    ['localhost:8080', '/a?b=1', 8443, 'https://localhost:8443/a?b=1'],
    ['Example.COM', '/', 443, 'https://example.com/'],
    ['127.0.0.1:80', '/x', 8443, 'https://127.0.0.1:8443/x'],
    ['[::1]:8080', '/x', 8443, 'https://[::1]:8443/x'],
    [undefined, '/x', 8443, 'https://localhost:8443/x'], // no Host: the server's own name
    ['evil.com\r\nSet-Cookie: x', '/x', 8443, 'https://localhost:8443/x'], // not a host
    ['user@evil.com', '/x', 8443, 'https://localhost:8443/x'],
    ['localhost', '*', 8443, 'https://localhost:8443/'], // not origin-form
    ['localhost', 'http://other/x', 8443, 'https://localhost:8443/'],
    ['localhost', '//double', 8443, 'https://localhost:8443//double'], // a path, after the authority
  ] as const)('Host %j, target %j, port %d → %s', (host, target, port, expected) => {
    expect(redirectLocation(host, target, port, 'localhost')).toBe(expected);
  });

  it('brackets an IPv6 fallback host', () => {
    expect(redirectLocation(undefined, '/', 8443, '::1')).toBe('https://[::1]:8443/');
  });
});

describe('the redirect listener', () => {
  it('answers 308 (method and body kept) to the https URL, with Connection: close and no HSTS', async () => {
    const { app, port } = await startHttps(teardown, pki, { redirectHttp: true });
    const redirect = app.redirect!;
    const address = await listen(redirect.server, { host: '127.0.0.1', port: 0 });
    teardown.add(redirect.server, (s) => closeServer(s));
    const res = await new Promise<{ status: number; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const req = request(
          `http://${address}/echo?x=1`,
          { method: 'POST', headers: { Host: 'localhost:80' } },
          (r) => {
            r.resume();
            resolve({ status: r.statusCode ?? 0, headers: r.headers });
          },
        );
        req.on('error', reject);
        req.end('body');
      },
    );
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe(`https://localhost:${port}/echo?x=1`);
    expect(res.headers.connection).toBe('close');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('is not created unless asked for', async () => {
    const { app } = await startHttps(teardown, pki);
    expect(app.redirect).toBeUndefined();
  });
});
