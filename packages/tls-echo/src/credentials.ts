/**
 * Loads `--cert`, `--key` and `--ca` at start and checks them (see {@link checkCredentials}),
 * so that a wrong file is one clear line and exit 2 rather than a stack trace on the first
 * connection. Without flags the dev PKI is used (`ensureDevCerts()`, `pnpm certs`).
 */
import type { X509Certificate } from 'node:crypto';
import { open } from 'node:fs/promises';
import { ensureDevCerts } from 'certs';
import { MAX_PEM_FILE_BYTES } from './constants.ts';
import { CredentialsError } from './errors.ts';
import {
  checkCredentials,
  parseCertificate,
  type CheckedCredentials,
} from './protocol/certificate.ts';

/** Paths of a certificate, its key and the CA file; any left out comes from the dev PKI. */
export interface CredentialPaths {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
}

/** The files' contents (for `tls.createServer`/`tls.connect`) plus their parsed forms. */
export interface LoadedCredentials extends CheckedCredentials {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  paths: { cert: string; key: string; ca: string };
}

/**
 * Reads and checks a certificate, key and CA. `role` picks the dev PKI pair used for a path
 * that was not given (`server` → certs/server.*, `client` → certs/client.*).
 *
 * @throws {CredentialsError} `ERR_TLS_CREDENTIALS_UNREADABLE` (missing, unreadable, > 1 MiB),
 *   and every code of {@link checkCredentials}.
 */
export async function loadCredentials(
  paths: CredentialPaths,
  role: 'server' | 'client',
  now: Date = new Date(),
): Promise<LoadedCredentials> {
  let resolved = paths as Required<CredentialPaths>;
  if (paths.cert === undefined || paths.key === undefined || paths.ca === undefined) {
    const dev = await ensureDevCerts();
    resolved = {
      cert: paths.cert ?? (role === 'server' ? dev.serverCert : dev.clientCert),
      key: paths.key ?? (role === 'server' ? dev.serverKey : dev.clientKey),
      ca: paths.ca ?? dev.ca,
    };
  }
  const [cert, key, ca] = await Promise.all([
    readPem(resolved.cert),
    readPem(resolved.key),
    readPem(resolved.ca),
  ]);
  const checked = checkCredentials({ cert, key, ca }, resolved, now);
  return { ...checked, cert, key, ca, paths: resolved };
}

async function readPem(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    if (size > MAX_PEM_FILE_BYTES) {
      throw new CredentialsError(
        'ERR_TLS_CREDENTIALS_UNREADABLE',
        path,
        `${path} is ${size} bytes; certificate files are limited to ${MAX_PEM_FILE_BYTES}`,
      );
    }
    return await handle.readFile();
  } catch (err) {
    if (err instanceof CredentialsError) throw err;
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT'
        ? 'no such file'
        : e.code === 'EACCES'
          ? 'permission denied'
          : e.code === 'EISDIR'
            ? 'is a directory'
            : e.message;
    throw new CredentialsError(
      'ERR_TLS_CREDENTIALS_UNREADABLE',
      path,
      `cannot read ${path}: ${why}${e.code ? ` (${e.code})` : ''}`,
      { cause: err },
    );
  } finally {
    await handle?.close();
  }
}

/**
 * Reads and parses a CA file (default: the dev PKI's `certs/ca.crt`), for a client that
 * verifies the server but sends no certificate of its own.
 *
 * @throws {CredentialsError} `ERR_TLS_CREDENTIALS_UNREADABLE`, `ERR_TLS_INVALID_CERT`.
 */
export async function loadTrustedCa(
  path: string | undefined,
): Promise<{ pem: Buffer; path: string; certificate: X509Certificate }> {
  const resolved = path ?? (await ensureDevCerts()).ca;
  const pem = await readPem(resolved);
  return { pem, path: resolved, certificate: parseCertificate(pem, resolved) };
}
