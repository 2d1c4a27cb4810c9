import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Teardown } from 'common/harness';
import type { CredentialPaths, CredentialsError } from '../src/index.ts';
import { MAX_PEM_FILE_BYTES, loadCredentials, loadKeyPair, loadTrustedCa } from '../src/index.ts';
import { loadPki, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
/** The dev PKI's server pair: each test replaces one path. */
let server: CredentialPaths;
beforeAll(async () => {
  pki = await loadPki();
  server = { cert: pki.paths.serverCert, key: pki.paths.serverKey, ca: pki.paths.ca };
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'netlab-credentials-'));
  return teardown.add(dir, () => rm(dir, { recursive: true, force: true }));
}

async function loadError(paths: Partial<CredentialPaths>): Promise<CredentialsError> {
  return loadCredentials({ ...server, ...paths }).then(
    () => {
      throw new Error('loaded');
    },
    (err: CredentialsError) => err,
  );
}

describe('loadCredentials', () => {
  it('reports a missing file by path (ERR_TLS_CREDENTIALS_UNREADABLE)', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'nope.crt');
    const err = await loadError({ cert: missing });
    expect(err).toMatchObject({ code: 'ERR_TLS_CREDENTIALS_UNREADABLE', path: missing });
    expect(err.message).toBe(`cannot read ${missing}: no such file (ENOENT)`);
  });

  it('never writes: given paths that do not exist, it fails and creates nothing', async () => {
    const dir = await tempDir();
    const absent = join(dir, 'certs');
    const paths = {
      cert: join(absent, 'server.crt'),
      key: join(absent, 'server.key'),
      ca: join(absent, 'ca.crt'),
    };
    await expect(loadCredentials(paths)).rejects.toMatchObject({
      code: 'ERR_TLS_CREDENTIALS_UNREADABLE',
    });
    await expect(loadTrustedCa(paths.ca)).rejects.toMatchObject({
      code: 'ERR_TLS_CREDENTIALS_UNREADABLE',
      path: paths.ca,
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a directory given as a file', async () => {
    const dir = await tempDir();
    expect(await loadError({ key: dir })).toMatchObject({
      code: 'ERR_TLS_CREDENTIALS_UNREADABLE',
      path: dir,
    });
  });

  it('refuses a file larger than the limit before reading it', async () => {
    const dir = await tempDir();
    const big = join(dir, 'big.crt');
    await writeFile(big, Buffer.alloc(MAX_PEM_FILE_BYTES + 1, 0x41));
    const err = await loadError({ ca: big });
    expect(err.code).toBe('ERR_TLS_CREDENTIALS_UNREADABLE');
    expect(err.message).toContain('limited to');
  });

  it('stops reading an endless device at the limit', async () => {
    const err = await loadError({ cert: '/dev/zero' });
    expect(err).toMatchObject({ code: 'ERR_TLS_CREDENTIALS_UNREADABLE', path: '/dev/zero' });
    expect(err.message).toBe(
      `/dev/zero is over ${MAX_PEM_FILE_BYTES} bytes; certificate files are limited to ${MAX_PEM_FILE_BYTES}`,
    );
  });

  it('checks the files it read (mismatched key)', async () => {
    expect(await loadError({ key: pki.paths.clientKey })).toMatchObject({
      code: 'ERR_TLS_KEY_MISMATCH',
      path: pki.paths.clientKey,
    });
  });
});

describe('loadTrustedCa', () => {
  it('reads the dev CA and rejects a file without a certificate', async () => {
    expect((await loadTrustedCa(pki.paths.ca)).certificate.subject).toContain('netlab dev CA');
    await expect(loadTrustedCa(pki.paths.caKey)).rejects.toMatchObject({
      code: 'ERR_TLS_INVALID_CERT',
    });
  });
});

describe('loadKeyPair', () => {
  it('reads a client pair without a CA, and checks that the key is the certificate’s', async () => {
    const pair = await loadKeyPair({ cert: pki.paths.clientCert, key: pki.paths.clientKey });
    expect(pair.certificate.subject).toContain('netlab dev client');
    expect(pair.key.toString()).toBe(pki.client.key);
    await expect(
      loadKeyPair({ cert: pki.paths.clientCert, key: pki.paths.serverKey }),
    ).rejects.toMatchObject({ code: 'ERR_TLS_KEY_MISMATCH', path: pki.paths.serverKey });
  });
});
