import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a package declares under `"netlab"` in its package.json so that `pnpm start` can run
 * it: `server` for a long-running server (started with `src/main.ts` and no flags, so on its
 * default port), `cli` for a demo that is run by hand.
 */
export interface NetlabManifest {
  server?: {
    /** Default port, shown in the table before the real address is known. */
    port: number;
    /** What it is, e.g. `WebSocket (RFC 6455)`. */
    label: string;
    /** One copy-paste command with a real tool. */
    tryIt: string;
  };
  cli?: { label: string; command: string };
}

export interface WorkspacePackage {
  name: string;
  dir: string;
  netlab: NetlabManifest;
}

/** Reads `packages/*\/package.json` under `root` and returns those with a `netlab` field, by name. */
export async function findNetlabPackages(root: string): Promise<WorkspacePackage[]> {
  const dir = join(root, 'packages');
  const found: WorkspacePackage[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    let manifest: { name?: string; netlab?: NetlabManifest };
    try {
      manifest = JSON.parse(
        await readFile(join(dir, entry.name, 'package.json'), 'utf8'),
      ) as typeof manifest;
    } catch {
      continue;
    }
    if (manifest.netlab && manifest.name) {
      found.push({ name: manifest.name, dir: join(dir, entry.name), netlab: manifest.netlab });
    }
  }
  return found.sort(
    (a, b) =>
      (a.netlab.server?.port ?? 1e9) - (b.netlab.server?.port ?? 1e9) ||
      a.name.localeCompare(b.name),
  );
}
