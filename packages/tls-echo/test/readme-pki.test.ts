/** The README's openssl commands (CA → CSR → signed certificates) work with this server. */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from 'common';
import { Teardown, startServer, waitForEvent } from 'common/harness';
import { loadCredentials } from 'certs';
import { connectTlsEcho, createTlsEchoServer } from '../src/index.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

/** The first sh block of the README section on CA → CSR → certificate. */
async function readmeOpensslBlock(): Promise<string> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## CA → CSR → signed certificate'));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes('openssl genpkey'));
  if (block === undefined) throw new Error('README: no openssl block in the CA → CSR section');
  return block;
}

describe('README openssl commands', () => {
  it('make a CA, server and client certificate this server and client accept', async () => {
    if (spawnSync('openssl', ['version']).status !== 0) {
      throw new Error('this test needs the openssl CLI: apt-get install -y openssl');
    }
    const dir = await mkdtemp(join(tmpdir(), 'tls-echo-readme-'));
    teardown.add(dir, () => rm(dir, { recursive: true, force: true }));
    await promisify(execFile)('sh', ['-e', '-c', await readmeOpensslBlock()], { cwd: dir });

    const f = (name: string): string => join(dir, name);
    const server = await loadCredentials({
      cert: f('server.crt'),
      key: f('server.key'),
      ca: f('ca.crt'),
    });
    const client = await loadCredentials({
      cert: f('client.crt'),
      key: f('client.key'),
      ca: f('ca.crt'),
    });
    expect(client.privateKey.asymmetricKeyType).toBe('rsa');
    expect(client.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(server.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

    const running = await startServer(createTlsEchoServer({ ...server, logger: silentLogger() }));
    teardown.add(running, () => running.close());
    const socket = await connectTlsEcho({ port: running.port, servername: 'localhost', ...client });
    teardown.add(socket, () => socket.destroy());
    const [greeting] = await waitForEvent<[Buffer]>(socket, 'data');
    expect(greeting.toString()).toBe('welcome!\n');
    expect(socket.authorized).toBe(true);
  });
});
