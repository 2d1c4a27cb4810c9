/**
 * Which certificate files a CLI uses: the ones its flags name, and for a flag not given the
 * dev PKI in certs/ (`ensureDevCerts()`, which generates it on first use: a file write, so only
 * CLIs call this, never a library). Libraries read exactly the paths they are given
 * (`loadCredentials`). Shared by the CLIs of tls-echo and https-server.
 */
import type { CredentialPaths } from './credentials.ts';
import { ensureDevCerts } from './dev-certs.ts';

/** `--cert`, `--key` and `--ca` as parsed: each may be absent. */
export interface CredentialFlags {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
}

/**
 * The paths to load: each flag given, and for each one absent the dev PKI's file for `role`
 * (`server` → certs/server.crt and .key, `client` → certs/client.*; both → certs/ca.crt).
 * Touches certs/ only when a flag is absent.
 */
export async function credentialPaths(
  flags: CredentialFlags,
  role: 'server' | 'client',
): Promise<CredentialPaths> {
  const { cert, key, ca } = flags;
  if (cert !== undefined && key !== undefined && ca !== undefined) return { cert, key, ca };
  const dev = await ensureDevCerts();
  return {
    cert: cert ?? (role === 'server' ? dev.serverCert : dev.clientCert),
    key: key ?? (role === 'server' ? dev.serverKey : dev.clientKey),
    ca: ca ?? dev.ca,
  };
}

/** The CA file to trust: `--ca`, or the dev PKI's certs/ca.crt. */
export async function trustedCaPath(ca: string | undefined): Promise<string> {
  return ca ?? (await ensureDevCerts()).ca;
}
