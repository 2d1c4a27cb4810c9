/** `main.ts` as users run it: flags, the redirect listener, mutual TLS, SIGTERM with requests in flight. */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseListeningLine } from 'common';
import { execMain, startMain, Teardown, type ListeningMain } from 'common/harness';
import { httpsRequest } from '../src/client.ts';
import { h1, h2, h2Session, loadPki, type Pki } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** A child `main.ts` (tsx) may take a while to start on a loaded 2-core machine. */
const CHILD = { timeoutMs: 30_000 };
const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

async function start(args: string[] = []): Promise<ListeningMain> {
  const main = await startMain(MAIN, args, CHILD);
  teardown.add(main, (m) => m.stop('SIGKILL').catch(() => undefined));
  return main;
}

describe('https-server (main.ts)', () => {
  it('logs one listening line with https://, serves the dev certificate', async () => {
    const main = await start();
    expect(
      parseListeningLine(main.stdout.lines.find((l) => l.includes('listening on'))!)?.url,
    ).toBe(`https://127.0.0.1:${main.port}`);
    expect((await h1(`https://localhost:${main.port}/`, { ca: pki.ca })).body).toBe(
      'hello world\n',
    );
  });

  it('on SIGTERM, finishes an HTTP/1.1 request and an HTTP/2 stream in flight, then exits 0', async () => {
    const main = await start(['--log-level', 'debug']);
    const url = `https://localhost:${main.port}`;
    const one = h1(`${url}/slow?ms=500`, { ca: pki.ca });
    const two = h2(h2Session(teardown, url, pki.ca), '/slow?ms=500');
    await main.stdout.waitFor(
      (l) => l.includes('"httpVersion":"2.0"') && l.includes('"msg":"request"'),
    );
    await main.stdout.waitFor(
      (l) => l.includes('"httpVersion":"1.1"') && l.includes('"msg":"request"'),
    );
    const exited = main.stop('SIGTERM', 15_000);
    const [a, b] = await Promise.all([one, two]);
    expect([a.status, a.headers.connection, b.status]).toEqual([200, 'close', 200]);
    expect(await exited).toBe(0);
    expect(main.stdout.text).toMatch(/"sessions":1,.*"msg":"draining/);
  });

  it('--redirect-http PORT: a plain-HTTP listener answering 308 to this server', async () => {
    const main = await start(['--redirect-http', '0']);
    const line = await main.stdout.waitFor((l) => l.includes('redirecting plain HTTP'));
    const address = (JSON.parse(line) as { address: string }).address;
    const location = await new Promise<string | undefined>((resolve, reject) =>
      request(`${address}/x?y=1`, (res) => {
        res.resume();
        resolve(res.headers.location);
      })
        .on('error', reject)
        .end(),
    );
    expect(location).toBe(`https://127.0.0.1:${main.port}/x?y=1`);
  });

  it('--require-client-cert: refuses a client without one, lets the dev client in', async () => {
    const main = await start(['--require-client-cert']);
    const url = `https://localhost:${main.port}/`;
    await expect(httpsRequest(url, { ca: pki.ca })).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    expect((await httpsRequest(url, { ca: pki.ca, ...pki.client })).statusCode).toBe(200);
  });

  it.each([
    [['--tls-profile', 'old'], '--tls-profile must be one of intermediate, modern'],
    [['--redirect-http', 'x'], '--redirect-http must be an integer'],
    [['--cert', '/nonexistent.crt'], 'cannot read /nonexistent.crt'],
    [['--headers-timeout', '60000', '--request-timeout', '1000'], 'headersTimeout'],
  ])('%j: one line naming it, exit 2', async (args, text) => {
    const run = await execMain(MAIN, args, CHILD);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(text);
    expect(run.stderr.split('\n')).toHaveLength(1);
  });
});
