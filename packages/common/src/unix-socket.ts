import { lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { AddressInUseError } from './errors.ts';

/**
 * Prepares a Unix domain socket path for `listen`: a socket file left by a dead process
 * (connecting is refused: `ECONNREFUSED`) is removed; a socket a live server accepts on, or
 * a path that is not a socket, is left alone and reported.
 *
 * @returns `'free'` (nothing there) or `'removed-stale'`.
 * @throws {AddressInUseError} `EADDRINUSE` (with `address` = `path`) when a live server owns
 *   the socket or the path is not a socket (common's `runMain` prints one line and exits 1).
 */
export async function prepareSocketPath(path: string): Promise<'free' | 'removed-stale'> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'free';
    throw err;
  }
  if (!isSocket) throw new AddressInUseError(path, 'exists and is not a socket');
  const live = await new Promise<boolean>((resolve, reject) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve(false);
      else reject(err);
    });
  });
  if (live) throw new AddressInUseError(path, 'a live server is listening on it');
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  return 'removed-stale';
}
