/**
 * curl as the real client, with the README's commands: `--cacert certs/ca.crt` from the
 * repository root (the package.json try-it line), HTTP/2 and HTTP/1.1, `-k`, no CA, and `-L`
 * through the redirect listener.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen } from 'common';
import { Teardown } from 'common/harness';
import { loadPki, startHttps, type Pki } from './helpers.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  const version = spawnSync('curl', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error('these tests need curl: apt-get install -y curl');
  if (!/^Features:.*\bHTTP2\b/m.test(version.stdout)) {
    throw new Error(
      "this curl has no HTTP/2: install Debian's curl (built with nghttp2): apt-get install -y curl",
    );
  }
  pki = await loadPki();
});

/** curl from the repository root (async: the server runs in this process). */
function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '--max-time', '10', ...args],
      { cwd: REPO_ROOT },
      (err, stdout, stderr) =>
        resolve({
          code: err === null ? 0 : Number((err as { code?: number }).code ?? -1),
          stdout,
          stderr,
        }),
    );
  });
}

describe('curl', () => {
  it('the try-it line: curl --cacert certs/ca.crt https://localhost:PORT/ → hello world over HTTP/2', async () => {
    const { port } = await startHttps(teardown, pki);
    const run = await curl([
      '--cacert',
      'certs/ca.crt',
      '-w',
      '\n%{http_version}',
      `https://localhost:${port}/`,
    ]);
    expect(run).toMatchObject({ code: 0, stdout: 'hello world\n\n2' });
  });

  it('--http2 and --http1.1: the same body, HSTS on both', async () => {
    const { port } = await startHttps(teardown, pki);
    for (const [flag, status] of [
      ['--http2', /^HTTP\/2 200 ?\r\n/],
      ['--http1.1', /^HTTP\/1\.1 200 OK\r\n/],
    ] as const) {
      const run = await curl([
        '-i',
        flag,
        '--cacert',
        'certs/ca.crt',
        `https://localhost:${port}/`,
      ]);
      expect(run.stdout).toMatch(status);
      expect(run.stdout).toMatch(/\r\nstrict-transport-security: max-age=63072000\r\n/i);
      expect(run.stdout.endsWith('\r\n\r\nhello world\n')).toBe(true);
    }
  });

  it('without --cacert: exit 60 (certificate problem); -k: encrypted, unauthenticated, answered', async () => {
    const { port } = await startHttps(teardown, pki);
    const refused = await curl([`https://localhost:${port}/`]);
    expect(refused.code).toBe(60);
    expect(refused.stderr).toMatch(
      /SSL certificate problem: unable to get local issuer certificate/,
    );
    expect((await curl(['-k', `https://localhost:${port}/`])).stdout).toBe('hello world\n');
  });

  it('-L through --redirect-http: 308 to https, then the answer', async () => {
    const { app, port } = await startHttps(teardown, pki, { redirectHttp: true });
    const address = await listen(app.redirect!.server, { host: '127.0.0.1', port: 0 });
    teardown.add(app.redirect!.server, (s) => closeServer(s));
    const redirectPort = address.split(':').pop()!;
    const run = await curl([
      '-L',
      '--cacert',
      'certs/ca.crt',
      '-w',
      '\n%{num_redirects} %{url_effective}',
      `http://localhost:${redirectPort}/static/string`,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith(`\n1 https://localhost:${port}/static/string`)).toBe(true);
  });
});
