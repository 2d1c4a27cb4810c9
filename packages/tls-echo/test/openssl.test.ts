/** `openssl s_client` as a real peer: the command the README tells users to run. */
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LineCollector, Teardown, startServer, withTimeout } from 'common/harness';
import { createTlsEchoServer } from '../src/index.ts';
import { CapturedLog, loadPki, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  const probe = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error('these tests need the openssl CLI: apt-get install -y openssl');
  }
  pki = await loadPki();
});

async function start(): Promise<{ port: number; log: CapturedLog }> {
  const log = new CapturedLog();
  const running = await startServer(
    createTlsEchoServer({ ...pki.server, ca: pki.ca, logger: log.logger }),
  );
  teardown.add(running, () => running.close());
  return { port: running.port, log };
}

function sClient(port: number, args: string[]) {
  const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  teardown.add(child, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  });
  return {
    child,
    stdout: new LineCollector(child.stdout),
    stderr: new LineCollector(child.stderr),
    exited,
  };
}

describe('openssl s_client against the server', () => {
  it('with the client certificate: verifies the server, gets welcome! and an echo', async () => {
    const { port, log } = await start();
    const { paths } = pki;
    const peer = sClient(port, [
      '-CAfile',
      paths.ca,
      '-cert',
      paths.clientCert,
      '-key',
      paths.clientKey,
      '-verify_return_error',
      '-verify_ip',
      '127.0.0.1',
      '-quiet',
    ]);
    await peer.stdout.waitFor('welcome!', 10_000);
    peer.child.stdin.write('hello from openssl\n');
    await peer.stdout.waitFor('hello from openssl', 10_000);
    expect(peer.stdout.lines.slice(0, 2)).toEqual(['welcome!', 'hello from openssl']);
    expect(await log.waitFor((r) => r.msg === 'secure connection: authorized')).toMatchObject({
      peerCN: 'netlab dev client',
    });
  });

  it('without a client certificate: refused with certificate_required', async () => {
    const { port, log } = await start();
    const peer = sClient(port, ['-CAfile', pki.paths.ca, '-verify_return_error', '-quiet']);
    peer.child.stdin.end();
    await withTimeout(peer.exited, 10_000, 's_client to exit');
    expect(peer.stderr.text).toMatch(/alert certificate required/);
    expect(peer.stdout.text).not.toContain('welcome!');
    expect(await log.handshakeFailure()).toBe('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
  });

  it('offering only TLS 1.1: the server refuses the version', async () => {
    const { port, log } = await start();
    const { paths } = pki;
    const peer = sClient(port, [
      '-tls1_1',
      '-cipher',
      'DEFAULT@SECLEVEL=0',
      '-CAfile',
      paths.ca,
      '-cert',
      paths.clientCert,
      '-key',
      paths.clientKey,
      '-quiet',
    ]);
    peer.child.stdin.end();
    expect(await withTimeout(peer.exited, 10_000, 's_client to exit')).not.toBe(0);
    expect(peer.stderr.text).toMatch(/alert protocol version/);
    expect(await log.handshakeFailure()).toBe('ERR_SSL_UNSUPPORTED_PROTOCOL');
  });

  it('without the CA: s_client refuses the server and the server logs unknown_ca', async () => {
    const { port, log } = await start();
    const { paths } = pki;
    // No CA file and no system store: the dev CA is unknown to this client.
    const peer = sClient(port, [
      '-no-CAfile',
      '-no-CApath',
      '-no-CAstore',
      '-cert',
      paths.clientCert,
      '-key',
      paths.clientKey,
      '-verify_return_error',
      '-quiet',
    ]);
    peer.child.stdin.end();
    expect(await withTimeout(peer.exited, 10_000, 's_client to exit')).not.toBe(0);
    expect(peer.stderr.text).toMatch(
      /self-signed certificate in certificate chain|unable to get local issuer certificate/,
    );
    expect(await log.handshakeFailure()).toBe('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
  });
});
