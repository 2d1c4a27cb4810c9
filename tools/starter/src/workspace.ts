/**
 * The pnpm workspace as the exporter sees it: its packages (name, folder, package.json), how a
 * bare specifier such as `common/harness` maps to a file through a package's `exports`, and the
 * root's configuration. Reads files only; writes nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { WorkspaceError } from './errors.ts';

/** The fields of a package.json the exporter reads. */
export interface PackageManifest {
  name?: string;
  version?: string;
  private?: boolean;
  description?: string;
  type?: string;
  engines?: Record<string, string>;
  exports?: unknown;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  netlab?: {
    server?: { port: number; label: string; tryIt: string };
    cli?: { label: string; command: string };
  };
}

/** One workspace package. */
export interface WorkspacePackage {
  name: string;
  /** Absolute folder. */
  dir: string;
  /** Folder relative to the workspace root, with `/` (`packages/tcp-server`): its lockfile importer. */
  relDir: string;
  manifest: PackageManifest;
}

/** A pnpm workspace: its root folder, root package.json and packages by name. */
export interface Workspace {
  root: string;
  manifest: PackageManifest;
  packages: Map<string, WorkspacePackage>;
}

/** Reads and parses a JSON file. */
export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * Reads the workspace at `root`: the globs of `pnpm-workspace.yaml` (`dir/*` or a folder; `!`
 * exclusions are honoured) and each matched folder's package.json.
 *
 * @throws {WorkspaceError} `ERR_WORKSPACE` without a `pnpm-workspace.yaml`, for a glob shape it
 *   does not support, or for a package.json without a name.
 */
export function readWorkspace(rootPath: string): Workspace {
  const root = resolve(rootPath); // absolute, no trailing separator: paths are compared to it
  const file = join(root, 'pnpm-workspace.yaml');
  if (!existsSync(file))
    throw new WorkspaceError('ERR_WORKSPACE', `no pnpm-workspace.yaml in ${root}`);
  const config = (parse(readFileSync(file, 'utf8')) ?? {}) as { packages?: string[] };
  const globs = config.packages ?? [];
  const excluded = new Set(globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1)));
  const dirs: string[] = [];
  for (const glob of globs.filter((g) => !g.startsWith('!'))) {
    if (glob.endsWith('/*') && !glob.slice(0, -2).includes('*')) {
      const parent = join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name));
      }
    } else if (!glob.includes('*')) {
      dirs.push(join(root, glob));
    } else {
      throw new WorkspaceError('ERR_WORKSPACE', `unsupported workspace glob ${glob}`);
    }
  }
  const packages = new Map<string, WorkspacePackage>();
  for (const dir of dirs.sort()) {
    const relDir = relative(root, dir).split(sep).join('/');
    if (excluded.has(relDir) || !existsSync(join(dir, 'package.json'))) continue;
    const manifest = readJson<PackageManifest>(join(dir, 'package.json'));
    if (manifest.name === undefined) {
      throw new WorkspaceError('ERR_WORKSPACE', `${relDir}/package.json has no name`);
    }
    packages.set(manifest.name, { name: manifest.name, dir, relDir, manifest });
  }
  return { root, manifest: readJson<PackageManifest>(join(root, 'package.json')), packages };
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The file an `exports` target (a string, or a conditions object) points to. */
function exportTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  const conditions = target as Record<string, unknown>;
  for (const key of ['import', 'types', 'default', 'node']) {
    const found = exportTarget(conditions[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The file a workspace specifier (`common`, `common/harness`) resolves to through the package's
 * `exports` (exact keys, then `*` patterns; a conditions object is read `import` → `types` →
 * `default`); without `exports`, `src/index.ts` for the package itself.
 *
 * @throws {WorkspaceError} `ERR_UNRESOLVED_IMPORT` when the subpath is not exported.
 */
export function resolveWorkspaceSpecifier(pkg: WorkspacePackage, specifier: string): string {
  const subpath = `.${specifier.slice(pkg.name.length)}`;
  const exportsField = pkg.manifest.exports;
  let target: string | undefined;
  if (exportsField === undefined) {
    target = subpath === '.' ? './src/index.ts' : undefined;
  } else if (typeof exportsField === 'string' || subpath === '.') {
    target = exportTarget(
      typeof exportsField === 'object' && exportsField !== null && '.' in exportsField
        ? (exportsField as Record<string, unknown>)['.']
        : exportsField,
    );
  } else {
    const map = exportsField as Record<string, unknown>;
    target = exportTarget(map[subpath]);
    for (const [key, value] of Object.entries(map)) {
      if (target !== undefined) break;
      const star = key.indexOf('*');
      if (star === -1) continue;
      const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
      if (subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
        const matched = subpath.slice(prefix.length, subpath.length - suffix.length);
        target = exportTarget(value)?.replace('*', matched);
      }
    }
  }
  const file = target === undefined ? undefined : resolve(pkg.dir, target);
  if (file === undefined || !existsSync(file) || !statSync(file).isFile()) {
    throw new WorkspaceError(
      'ERR_UNRESOLVED_IMPORT',
      `'${specifier}': ${pkg.relDir}/package.json exports no file for ${subpath}`,
    );
  }
  return file;
}

/** The workspace package a specifier names (`common/harness` → common), if any. */
export function workspacePackageOf(ws: Workspace, specifier: string): WorkspacePackage | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) {
    return undefined;
  }
  return ws.packages.get(packageNameOf(specifier));
}

/** The workspace package whose folder holds `file`, if any. */
export function owningPackage(ws: Workspace, file: string): WorkspacePackage | undefined {
  for (const pkg of ws.packages.values()) {
    if (file.startsWith(pkg.dir + sep)) return pkg;
  }
  return undefined;
}

/**
 * Whether the package can be exported: a program (`netlab.server` or `netlab.cli` in its
 * package.json, as `pnpm start` reads them) under `packages/`. Libraries (`common`, `certs`)
 * are what starters inline; tools under `tools/` run on the monorepo itself.
 */
export function isExportable(pkg: WorkspacePackage): boolean {
  const netlab = pkg.manifest.netlab;
  return (
    pkg.relDir.startsWith('packages/') &&
    netlab !== undefined &&
    (netlab.server !== undefined || netlab.cli !== undefined)
  );
}

/** A library package: no `netlab` program of its own (`common`, `certs`). */
export function isLibrary(pkg: WorkspacePackage): boolean {
  return pkg.manifest.netlab === undefined && pkg.relDir.startsWith('packages/');
}
