import { resolve } from 'node:path';

/**
 * Resolves a file flag against the directory the user typed the command in: pnpm runs a
 * package script in the package's folder but puts the caller's folder in `INIT_CWD`, so that
 * `pnpm --filter https-server client -- --ca certs/ca.crt` works from the repository root.
 */
export function userPath(
  path: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return path === undefined ? undefined : resolve(env.INIT_CWD ?? process.cwd(), path);
}
