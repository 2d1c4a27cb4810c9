/**
 * The dev PKI on disk: `certs/` at the repository root, created on first use. This module
 * writes files; libraries never call it themselves, their `main.ts` (or a test) does and passes
 * the paths on.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCa, issueCertificate, type KeyAlgorithm } from './pki.ts';

/** The repository's `certs/` directory (git-ignored except its README). */
export const DEFAULT_CERTS_DIR = fileURLToPath(new URL('../../../certs/', import.meta.url));

/** Absolute paths of the dev PKI files. */
export interface DevCertPaths {
  /** The folder, `certs/` by default. */
  dir: string;
  /** `ca.crt`: the CA certificate both sides trust. */
  ca: string;
  /** `ca.key`: the CA's private key (mode 0600). */
  caKey: string;
  /** `server.crt`: CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1, serverAuth. */
  serverCert: string;
  serverKey: string;
  /** `client.crt`: CN=netlab dev client, clientAuth (mutual TLS). */
  clientCert: string;
  clientKey: string;
}

/** The paths of the dev PKI files in `dir` (default {@link DEFAULT_CERTS_DIR}); touches no file. */
export function devCertPaths(dir = DEFAULT_CERTS_DIR): DevCertPaths {
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
  };
}

/** Certificates expiring within this many days are regenerated. */
const RENEW_BEFORE_DAYS = 7;
/** A lock directory older than this is left over from a crashed run and is taken over. */
const STALE_LOCK_MS = 30_000;

async function usable(paths: DevCertPaths): Promise<boolean> {
  try {
    const ca = new X509Certificate(await readFile(paths.ca));
    for (const [cert, key] of [
      [paths.serverCert, paths.serverKey],
      [paths.clientCert, paths.clientKey],
    ] as const) {
      const leaf = new X509Certificate(await readFile(cert));
      await stat(key);
      if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return false;
      if (Date.parse(leaf.validTo) - Date.now() < RENEW_BEFORE_DAYS * 86_400_000) return false;
    }
    await stat(paths.caKey);
    return true;
  } catch {
    return false;
  }
}

/** Options of {@link ensureDevCerts}. */
export interface EnsureDevCertsOptions {
  /** Where the files live. Default {@link DEFAULT_CERTS_DIR}. */
  dir?: string;
  /** Regenerate even when usable certificates exist (`pnpm certs --force`). */
  force?: boolean;
  /** Key algorithm of a newly generated set. Default `ecdsa-p256`. */
  algorithm?: KeyAlgorithm;
}

/**
 * Returns the dev PKI's paths, generating a CA, a server certificate (SAN DNS:localhost,
 * IP:127.0.0.1, IP:::1) and a client certificate when they are missing, don't chain, or expire
 * within 7 days. Safe to call from concurrent processes (a lock directory serialises
 * generation; files are written to temporary names and renamed). Keys are written mode 0600.
 *
 * @throws the file system's error (`EACCES`, `ENOSPC` …) when `dir` cannot be written.
 */
export async function ensureDevCerts(
  opts: EnsureDevCertsOptions = {},
): Promise<DevCertPaths & { generated: boolean }> {
  const paths = devCertPaths(opts.dir);
  if (!opts.force && (await usable(paths))) return { ...paths, generated: false };
  await mkdir(paths.dir, { recursive: true });
  const lock = join(paths.dir, '.lock');
  await acquire(lock);
  try {
    if (!opts.force && (await usable(paths))) return { ...paths, generated: false };
    const ca = await createCa({ algorithm: opts.algorithm });
    const server = await issueCertificate(ca, { usage: 'server' });
    const client = await issueCertificate(ca, { usage: 'client' });
    const files: [string, string, number][] = [
      [paths.caKey, ca.key, 0o600],
      [paths.serverKey, server.key, 0o600],
      [paths.clientKey, client.key, 0o600],
      [paths.serverCert, server.cert, 0o644],
      [paths.clientCert, client.cert, 0o644],
      [paths.ca, ca.cert, 0o644],
    ];
    for (const [path, pem, mode] of files) {
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, pem, { mode });
      await rename(tmp, path);
    }
    return { ...paths, generated: true };
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function acquire(lock: string): Promise<void> {
  for (;;) {
    try {
      await mkdir(lock);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
}
