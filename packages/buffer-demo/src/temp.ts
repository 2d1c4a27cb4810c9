import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMP_PREFIX } from './constants.ts';

/**
 * Runs `fn` with a fresh directory under the OS temp dir (`buffer-demo-XXXXXX`) and removes the
 * directory and everything in it afterwards: on success, on error and on abort (Ctrl-C aborts
 * the demo's signal, its stream rejects, and this `finally` still runs). `root` is where the
 * directory is made (default the OS temp dir; tests pass their own to check it is left empty).
 */
export async function withTempDir<T>(
  fn: (dir: string) => Promise<T>,
  root: string = tmpdir(),
): Promise<T> {
  const dir = await mkdtemp(join(root, TEMP_PREFIX));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
