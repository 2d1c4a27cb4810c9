/** The CLIs as users run them: `pnpm start` (server) and `pnpm --filter tls-echo client`. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Teardown, execMain, startMain, type ListeningMain } from 'common/harness';
import { TlsPeer, expiredPki, loadPki, type Pki } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
let dir: string;
/** Files for the bad-credential cases. */
let files: { otherCert: string; otherKey: string; expiredCert: string; expiredKey: string };
let server: ListeningMain;

beforeAll(async () => {
  pki = await loadPki();
  dir = await mkdtemp(join(tmpdir(), 'tls-echo-main-'));
  const expired = await expiredPki();
  files = {
    otherCert: join(dir, 'other.crt'),
    otherKey: join(dir, 'other.key'),
    expiredCert: join(dir, 'expired.crt'),
    expiredKey: join(dir, 'expired.key'),
  };
  await Promise.all([
    writeFile(files.otherCert, pki.otherCaClient.cert),
    writeFile(files.otherKey, pki.otherCaClient.key),
    writeFile(files.expiredCert, expired.server.cert),
    writeFile(files.expiredKey, expired.server.key),
  ]);
  // Some cases leave a socket stuck mid-handshake (the client rejected our certificate), which
  // only the shutdown deadline frees: keep it short, shutdown itself is tested below.
  server = await startMain(MAIN, ['--shutdown-timeout', '1000']);
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function client(args: string[], input = '') {
  return execMain(MAIN, ['client', '--port', String(server.port), ...args], { input });
}

describe('client CLI', () => {
  it('prints authorized and the server certificate, then the greeting and the echo', async () => {
    const result = await client([], 'hello\nworld\n');
    // (the harness collects lines: the last newline is not in `stdout`)
    expect(result.stdout).toBe('welcome!\nhello\nworld');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe('authorized');
    expect(result.stderr).toMatch(
      /^server certificate: CN=localhost \(issuer CN=netlab dev CA\)$/m,
    );
    expect(result.stderr).toMatch(/^ {2}valid .+ GMT → .+ GMT$/m);
    expect(result.code).toBe(0);
  });

  it('--no-client-cert: the server refuses, the code is explained', async () => {
    const result = await client(['--no-client-cert'], 'hello\n');
    expect(result.stderr).toMatch(
      /^tls-echo client: ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: .*client certificate/m,
    );
    expect(result.stdout).toBe('');
    expect(result.code).toBe(1);
  });

  it('--servername not in the SAN: refused by the client', async () => {
    const result = await client(['--servername', 'example.com']);
    expect(result.stderr).toMatch(/^tls-echo client: ERR_TLS_CERT_ALTNAME_INVALID: /m);
    expect(result.code).toBe(1);
  });

  it('--no-ca: the dev CA is unknown (SELF_SIGNED_CERT_IN_CHAIN); with --insecure it connects unauthorized', async () => {
    const refused = await client(['--no-ca']);
    expect(refused.stderr).toMatch(/^tls-echo client: SELF_SIGNED_CERT_IN_CHAIN: /m);
    expect(refused.code).toBe(1);
    const insecure = await client(['--no-ca', '--insecure'], 'hi\n');
    expect(insecure.stderr).toMatch(/^warning: --insecure/m);
    expect(insecure.stderr).toMatch(/^unauthorized: SELF_SIGNED_CERT_IN_CHAIN: /m);
    expect(insecure.stdout).toBe('welcome!\nhi');
    expect(insecure.code).toBe(0);
  });

  it('a client certificate from another CA: closed before the greeting, explained', async () => {
    const result = await client(['--cert', files.otherCert, '--key', files.otherKey], 'hi\n');
    expect(result.stderr).toMatch(/^tls-echo client: ERR_TLS_CLOSED_BEFORE_GREETING: /m);
    expect(result.code).toBe(1);
    await server.stdout.waitFor(/"code":"UNABLE_TO_VERIFY_LEAF_SIGNATURE"/);
  });

  it('a missing --cert file: one line, exit 2', async () => {
    const result = await client(['--cert', join(dir, 'missing.crt')]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(
      `tls-echo: cannot read ${join(dir, 'missing.crt')}: no such file (ENOENT)`,
    );
  });

  it('a bad flag: exit 2', async () => {
    const result = await client(['--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tls-echo: --port must be an integer/);
  });
});

describe('server CLI', () => {
  it.each([
    [
      'a missing file',
      () => ['--cert', join(dir, 'nope.crt')],
      /^tls-echo: cannot read .*nope\.crt: no such file \(ENOENT\)$/,
    ],
    [
      'a key that is not the certificate’s',
      () => ['--key', pki.paths.clientKey],
      /^tls-echo: .*client\.key is not the private key of .*server\.crt/,
    ],
    [
      'an expired certificate',
      () => ['--cert', files.expiredCert, '--key', files.expiredKey],
      /^tls-echo: .*expired\.crt expired on .* GMT$/,
    ],
  ])('refuses %s at start: one line on stderr, exit 2', async (_name, args, message) => {
    const result = await execMain(MAIN, [...args(), '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toMatch(/listening/);
  });

  it('--allow-unauthorized warns at start and lets a client without a certificate in', async () => {
    const insecure = await startMain(MAIN, ['--allow-unauthorized']);
    teardown.add(insecure, () => insecure.stop());
    const warning = await insecure.stdout.waitFor(/INSECURE/);
    expect(JSON.parse(warning)).toMatchObject({ level: 40 });
    const result = await execMain(
      MAIN,
      ['client', '--port', String(insecure.port), '--no-client-cert'],
      { input: 'hi\n' },
    );
    expect(result.stdout).toBe('welcome!\nhi');
    const line = await insecure.stdout.waitFor(/secure connection: unauthorized/);
    expect(JSON.parse(line)).toMatchObject({
      authorized: false,
      authorizationError: 'NO_CLIENT_CERTIFICATE',
    });
  });

  it('on SIGTERM ends open connections (TLS close_notify) and exits 0', async () => {
    const main = await startMain(MAIN, []);
    teardown.add(main, () => main.stop('SIGKILL'));
    const peer = new TlsPeer({ port: main.port, ca: pki.ca, ...pki.client });
    teardown.add(peer, () => peer.destroy());
    await peer.waitForText('welcome!\n');
    const exited = main.stop('SIGTERM', 10_000);
    expect(await peer.errorCode()).toBeUndefined();
    expect(peer.text).toBe('welcome!\n');
    expect(await exited).toBe(0);
    expect(main.stdout.text).toMatch(/"msg":"closed"/);
  });
});
