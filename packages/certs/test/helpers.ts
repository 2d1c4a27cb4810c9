/** Fixtures for this package's tests: the dev PKI's PEMs, and an expired certificate set. */
import { readFile } from 'node:fs/promises';
import { createCa, ensureDevCerts, issueCertificate, type CertificatePem } from '../src/index.ts';

export interface Pki {
  paths: Awaited<ReturnType<typeof ensureDevCerts>>;
  ca: string;
  server: CertificatePem;
  client: CertificatePem;
}

const DAY_MS = 86_400_000;

/** The dev PKI in certs/ (generated on first use), as paths and PEMs. */
export async function loadPki(): Promise<Pki> {
  const paths = await ensureDevCerts();
  const [ca, serverCert, serverKey, clientCert, clientKey] = await Promise.all(
    [paths.ca, paths.serverCert, paths.serverKey, paths.clientCert, paths.clientKey].map((p) =>
      readFile(p, 'utf8'),
    ),
  );
  return {
    paths,
    ca: ca!,
    server: { cert: serverCert!, key: serverKey! },
    client: { cert: clientCert!, key: clientKey! },
  };
}

/** A CA with a client and a server certificate that expired 9 days ago. */
export async function expiredPki(): Promise<{
  ca: string;
  client: CertificatePem;
  server: CertificatePem;
}> {
  const ca = await createCa({ commonName: 'expiry test CA' });
  const notBefore = new Date(Date.now() - 10 * DAY_MS);
  const client = await issueCertificate(ca, { usage: 'client', notBefore, validityDays: 1 });
  const server = await issueCertificate(ca, { usage: 'server', notBefore, validityDays: 1 });
  return { ca: ca.cert, client, server };
}
