import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Teardown } from 'common/harness';
import type { CredentialsError } from '../src/index.ts';
import { MAX_PEM_FILE_BYTES, loadCredentials, loadTrustedCa } from '../src/index.ts';
import { loadPki, type Pki } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tls-echo-'));
  return teardown.add(dir, () => rm(dir, { recursive: true, force: true }));
}

async function loadError(paths: Parameters<typeof loadCredentials>[0]): Promise<CredentialsError> {
  return loadCredentials(paths, 'server').then(
    () => {
      throw new Error('loaded');
    },
    (err: CredentialsError) => err,
  );
}

describe('loadCredentials', () => {
  it('defaults to the dev PKI (server pair, or client pair)', async () => {
    const server = await loadCredentials({}, 'server');
    expect(server.paths).toEqual({
      cert: pki.paths.serverCert,
      key: pki.paths.serverKey,
      ca: pki.paths.ca,
    });
    expect(server.cert.toString()).toBe(pki.server.cert);
    const client = await loadCredentials({}, 'client');
    expect(client.paths.cert).toBe(pki.paths.clientCert);
  });

  it('reports a missing file by path (ERR_TLS_CREDENTIALS_UNREADABLE)', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'nope.crt');
    const err = await loadError({ cert: missing });
    expect(err).toMatchObject({ code: 'ERR_TLS_CREDENTIALS_UNREADABLE', path: missing });
    expect(err.message).toBe(`cannot read ${missing}: no such file (ENOENT)`);
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

  it('checks the files it read (mismatched key)', async () => {
    expect(await loadError({ key: pki.paths.clientKey })).toMatchObject({
      code: 'ERR_TLS_KEY_MISMATCH',
      path: pki.paths.clientKey,
    });
  });
});

describe('loadTrustedCa', () => {
  it('defaults to the dev CA and rejects a file without a certificate', async () => {
    expect((await loadTrustedCa(undefined)).certificate.subject).toContain('netlab dev CA');
    await expect(loadTrustedCa(pki.paths.caKey)).rejects.toMatchObject({
      code: 'ERR_TLS_INVALID_CERT',
    });
  });
});
