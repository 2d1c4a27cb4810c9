/**
 * Reads a certificate, its key and a CA from the paths it is given, and checks them (see
 * {@link checkCredentials}), so that a wrong file is one clear line at start rather than a
 * stack trace on the first connection. Reads only: it never creates, writes or picks a file.
 * Which files to use (the dev PKI of `dev-certs.ts` when no flag is given) is each server's
 * CLI's decision, never a library's. Shared by every netlab TLS server and client (tls-echo,
 * https-server).
 */
import type { X509Certificate } from 'node:crypto';
import { open } from 'node:fs/promises';
import { MAX_PEM_FILE_BYTES, PEM_READ_CHUNK_BYTES } from './constants.ts';
import { CredentialsError } from './errors.ts';
import {
  checkCredentials,
  checkKeyPair,
  parseCertificate,
  type CheckedCredentials,
  type CheckedKeyPair,
} from './protocol/certificate.ts';

/** Paths of a certificate (PEM, or a chain: leaf first), its private key and the CA file. */
export interface CredentialPaths {
  cert: string;
  key: string;
  ca: string;
}

/** The files' contents (for `tls.createServer`/`tls.connect`) plus their parsed forms. */
export interface LoadedCredentials extends CheckedCredentials {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  paths: CredentialPaths;
}

/** A CA file, read and parsed (see {@link loadTrustedCa}). */
export interface TrustedCa {
  pem: Buffer;
  path: string;
  /** The first certificate of the file (Node trusts every certificate in it). */
  certificate: X509Certificate;
}

/**
 * Reads and checks a certificate, its key and a CA, each at most `MAX_PEM_FILE_BYTES` (1 MiB).
 *
 * @param now the time the certificate must be valid at (default: now).
 * @throws {CredentialsError} `ERR_TLS_CREDENTIALS_UNREADABLE` (missing, unreadable, a directory,
 *   over 1 MiB), and every code of {@link checkCredentials}; `path` names the file.
 */
export async function loadCredentials(
  paths: CredentialPaths,
  now: Date = new Date(),
): Promise<LoadedCredentials> {
  const [cert, key, ca] = await Promise.all([
    readPem(paths.cert),
    readPem(paths.key),
    readPem(paths.ca),
  ]);
  const checked = checkCredentials({ cert, key, ca }, paths, now);
  return { ...checked, cert, key, ca, paths: { ...paths } };
}

/** A certificate and its key, read and checked (see {@link loadKeyPair}). */
export interface LoadedKeyPair extends CheckedKeyPair {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads and checks a certificate and its key without a CA: a client certificate for mutual
 * TLS, whose CA only the server needs.
 *
 * @throws {CredentialsError} `ERR_TLS_CREDENTIALS_UNREADABLE` and every code of
 *   `checkKeyPair`; `path` names the file.
 */
export async function loadKeyPair(
  paths: Pick<CredentialPaths, 'cert' | 'key'>,
  now: Date = new Date(),
): Promise<LoadedKeyPair> {
  const [cert, key] = await Promise.all([readPem(paths.cert), readPem(paths.key)]);
  return { ...checkKeyPair({ cert, key }, paths, now), cert, key };
}

/**
 * Reads and parses a CA file, for a client that verifies the server but sends no certificate
 * of its own.
 *
 * @throws {CredentialsError} `ERR_TLS_CREDENTIALS_UNREADABLE`, `ERR_TLS_INVALID_CERT`.
 */
export async function loadTrustedCa(path: string): Promise<TrustedCa> {
  const pem = await readPem(path);
  return { pem, path, certificate: parseCertificate(pem, path) };
}

/**
 * Reads one credential file, at most `MAX_PEM_FILE_BYTES`: a regular file over the limit is
 * refused before reading, and a pipe or device (`--cert <(…)`, `/dev/zero`), whose size `stat`
 * does not know, is cut off at the limit.
 */
async function readPem(path: string): Promise<Buffer> {
  const tooLarge = (size: string): CredentialsError =>
    new CredentialsError(
      'ERR_TLS_CREDENTIALS_UNREADABLE',
      path,
      `${path} is ${size} bytes; certificate files are limited to ${MAX_PEM_FILE_BYTES}`,
    );
  let handle;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    if (size > MAX_PEM_FILE_BYTES) throw tooLarge(String(size));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(PEM_READ_CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      total += bytesRead;
      if (total > MAX_PEM_FILE_BYTES) throw tooLarge(`over ${MAX_PEM_FILE_BYTES}`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
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
