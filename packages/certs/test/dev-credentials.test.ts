/** Which files the CLIs load (dev-credentials.ts): the flags given, the dev PKI for the rest. */
import { beforeAll, describe, expect, it } from 'vitest';
import { credentialPaths, loadCredentials, trustedCaPath } from '../src/index.ts';
import { loadPki, type Pki } from './helpers.ts';

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

describe('the CLIs’ default paths (dev-credentials.ts)', () => {
  it('default to the dev PKI (server pair, or client pair), which loads', async () => {
    const server = { cert: pki.paths.serverCert, key: pki.paths.serverKey, ca: pki.paths.ca };
    const serverPaths = await credentialPaths({}, 'server');
    expect(serverPaths).toEqual(server);
    const loaded = await loadCredentials(serverPaths);
    expect(loaded.paths).toEqual(server);
    expect(loaded.cert.toString()).toBe(pki.server.cert);
    const client = await loadCredentials(await credentialPaths({}, 'client'));
    expect(client.paths.cert).toBe(pki.paths.clientCert);
    expect(await trustedCaPath(undefined)).toBe(pki.paths.ca);
  });

  it('keep every path a flag gave, and fill only the others', async () => {
    const given = { cert: '/x/a.crt', key: '/x/a.key', ca: '/x/ca.crt' };
    expect(await credentialPaths(given, 'client')).toEqual(given);
    expect(await credentialPaths({ key: '/x/a.key' }, 'client')).toEqual({
      cert: pki.paths.clientCert,
      key: '/x/a.key',
      ca: pki.paths.ca,
    });
    expect(await trustedCaPath('/x/ca.crt')).toBe('/x/ca.crt');
  });
});
