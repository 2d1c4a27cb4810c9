/**
 * The package.json of an exported project: the package's scripts, `engines`, and as
 * dependencies exactly the npm packages its files (own and inlined) and its scripts use, at the
 * versions pnpm-lock.yaml resolved for the package that imports them. Workspace `overrides` are
 * kept when an overridden package is among the installed ones, in npm's `overrides` field.
 */
import { WorkspaceError } from './errors.ts';
import { LIB_DIR, LIB_PREFIX } from './layout.ts';
import { bareVersion, type BuildAllowlist, type Lockfile, type Override } from './lockfile.ts';
import { commandPackages, DEV_SCRIPTS } from './scripts.ts';
import type { Workspace, WorkspacePackage } from './workspace.ts';

/** Why a package is a dependency: which file or script of which workspace package uses it. */
export interface DependencyUse {
  name: string;
  /** The workspace package whose lockfile entry gives the version (the importing file's). */
  from: WorkspacePackage;
  /** Needed at run time (a value import from src/, or a run script); else a devDependency. */
  runtime: boolean;
}

/** The inputs of {@link buildManifest}. */
export interface ManifestInput {
  ws: Workspace;
  pkg: WorkspacePackage;
  lock: Lockfile;
  overrides: readonly Override[];
  /** Dependencies whose install scripts may run (pnpm `onlyBuiltDependencies`). */
  allowlist: BuildAllowlist;
  uses: readonly DependencyUse[];
  scripts: Record<string, string>;
  bins: ReadonlyMap<string, string>;
  /** Packages named by the generated config files (eslint.config.js …): devDependencies. */
  configPackages: readonly string[];
  /** `compilerOptions.types` of the exported tsconfig (`node` → `@types/node`). */
  types: readonly string[];
  /** Whether anything was inlined (then package.json gets `imports` for `#lib/*`). */
  inlined: boolean;
}

/** The generated package.json, plus the workspace settings it kept (for the README). */
export interface ExportedManifest {
  json: Record<string, unknown>;
  overrides: Override[];
  /** The installed packages allowed to run install scripts, and why. */
  allowScripts: BuildAllowlist;
}

/** `@types/x` for `x`, `@types/a__b` for `@a/b`. */
const typesPackage = (name: string): string =>
  `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

/**
 * Builds the package.json.
 *
 * @throws {WorkspaceError} `ERR_WORKSPACE` when a used npm package has no version in the lockfile
 *   (imported without being declared by any workspace package).
 */
export function buildManifest(input: ManifestInput): ExportedManifest {
  const { ws, pkg, lock } = input;
  const uses: DependencyUse[] = [...input.uses];
  for (const [name, command] of Object.entries(input.scripts)) {
    for (const used of commandPackages(command, input.bins)) {
      uses.push({ name: used, from: pkg, runtime: !DEV_SCRIPTS.has(name) });
    }
  }
  for (const name of input.configPackages) uses.push({ name, from: pkg, runtime: false });
  for (const type of input.types)
    uses.push({ name: typesPackage(type), from: pkg, runtime: false });

  const resolved = new Map<string, { version: string; runtime: boolean }>();
  const resolve = (use: DependencyUse): void => {
    const version =
      lock.resolved(use.from.relDir, use.name) ??
      lock.resolved(pkg.relDir, use.name) ??
      lock.resolved('.', use.name) ??
      lock.resolvedAnywhere(use.name)[0]?.version;
    if (version === undefined) {
      throw new WorkspaceError(
        'ERR_WORKSPACE',
        `${use.name} is used by ${use.from.name} but no package.json of the workspace declares it`,
      );
    }
    const runtime = use.runtime && !use.name.startsWith('@types/');
    const known = resolved.get(use.name);
    resolved.set(use.name, {
      version: known?.version ?? version,
      runtime: runtime || (known?.runtime ?? false),
    });
  };
  for (const use of uses) resolve(use);
  for (const name of [...resolved.keys()]) {
    const types = typesPackage(name);
    if (
      !name.startsWith('@types/') &&
      !resolved.has(types) &&
      lock.resolvedAnywhere(types).length > 0
    ) {
      resolve({ name: types, from: pkg, runtime: false });
    }
  }

  const installed = lock.closure(new Map([...resolved].map(([name, r]) => [name, r.version])));
  const overrides = input.overrides.filter((o) => installed.has(o.name));
  const allowed = input.allowlist.names.filter((name) => installed.has(name));
  const table = (runtime: boolean): Record<string, string> =>
    Object.fromEntries(
      [...resolved]
        .filter(([, r]) => r.runtime === runtime)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, r]) => [name, bareVersion(r.version)]),
    );
  const m = pkg.manifest;
  const json: Record<string, unknown> = {
    name: pkg.name,
    version: m.version ?? '0.0.0',
    private: true,
    type: 'module',
    description: m.description,
    engines: m.engines ?? ws.manifest.engines,
    exports: m.exports,
    imports: input.inlined ? { [`${LIB_PREFIX}*`]: `./${LIB_DIR}*` } : undefined,
    scripts: input.scripts,
    dependencies: table(true),
    devDependencies: table(false),
    overrides:
      overrides.length === 0
        ? undefined
        : Object.fromEntries(overrides.map((o) => [o.name, o.version])),
    allowScripts:
      allowed.length === 0 ? undefined : Object.fromEntries(allowed.map((name) => [name, true])),
  };
  for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
  return { json, overrides, allowScripts: { names: allowed, reason: input.allowlist.reason } };
}
