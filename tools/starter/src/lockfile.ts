/**
 * What pnpm-lock.yaml (lockfile v9) and pnpm-workspace.yaml tell the exporter: the version each
 * workspace package resolved for a dependency, the transitive dependencies of a set of packages,
 * and the workspace's `overrides` with the comment that says why each exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parse, parseDocument } from 'yaml';
import { WorkspaceError } from './errors.ts';

type DepTable = Record<string, { specifier?: string; version: string }>;

interface LockfileData {
  importers?: Record<
    string,
    { dependencies?: DepTable; devDependencies?: DepTable; optionalDependencies?: DepTable }
  >;
  snapshots?: Record<
    string,
    {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    } | null
  >;
}

/** A workspace override (`overrides:` in pnpm-workspace.yaml or `pnpm.overrides`). */
export interface Override {
  /** The overridden package. */
  name: string;
  /** The version (or range) forced on every dependant. */
  version: string;
  /** The comment above the entry, without `#`, joined into one line; '' if none. */
  reason: string;
}

/** `8.23.0(bufferutil@4.0.9)` → `8.23.0`: the resolved version without pnpm's peer suffix. */
export function bareVersion(version: string): string {
  const paren = version.indexOf('(');
  return paren === -1 ? version : version.slice(0, paren);
}

/** The parsed lockfile of a workspace. */
export class Lockfile {
  readonly #data: LockfileData;

  constructor(data: LockfileData) {
    this.#data = data;
  }

  /** Reads `pnpm-lock.yaml` at the workspace root. @throws {WorkspaceError} `ERR_WORKSPACE` if absent. */
  static read(root: string): Lockfile {
    const file = join(root, 'pnpm-lock.yaml');
    if (!existsSync(file))
      throw new WorkspaceError('ERR_WORKSPACE', `no pnpm-lock.yaml in ${root}`);
    return new Lockfile(parse(readFileSync(file, 'utf8')) as LockfileData);
  }

  /**
   * The version the importer (`.` or `packages/x`) resolved for `name`, with pnpm's peer suffix
   * (`4.1.12(@types/node@20.19.43)`), or undefined when it does not depend on it or links it
   * from the workspace (`link:../common`).
   */
  resolved(importer: string, name: string): string | undefined {
    const entry = this.#data.importers?.[importer];
    if (entry === undefined) return undefined;
    for (const table of [entry.dependencies, entry.devDependencies, entry.optionalDependencies]) {
      const version = table?.[name]?.version;
      if (version !== undefined && !version.startsWith('link:')) return version;
    }
    return undefined;
  }

  /** Every importer that resolved `name`, in lockfile order, with its version. */
  resolvedAnywhere(name: string): { importer: string; version: string }[] {
    return Object.keys(this.#data.importers ?? {}).flatMap((importer) => {
      const version = this.resolved(importer, name);
      return version === undefined ? [] : [{ importer, version }];
    });
  }

  /**
   * The names of every package installed for `roots` (`name` → version with peer suffix, as
   * {@link resolved} returns them), the roots included: the closure over `snapshots`.
   */
  closure(roots: ReadonlyMap<string, string>): Set<string> {
    const names = new Set<string>();
    const seen = new Set<string>();
    const queue = [...roots];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      const [name, version] = next;
      const key = `${name}@${version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      names.add(name);
      const snapshot = this.#data.snapshots?.[key];
      for (const table of [snapshot?.dependencies, snapshot?.optionalDependencies]) {
        for (const [dep, depVersion] of Object.entries(table ?? {})) queue.push([dep, depVersion]);
      }
    }
    return names;
  }
}

/** A workspace setting carried into npm's package.json, with the comment that explains it. */
export interface BuildAllowlist {
  /** Packages whose install scripts may run (pnpm `onlyBuiltDependencies`). */
  names: string[];
  reason: string;
}

const oneLine = (comment: string | null | undefined): string =>
  (comment ?? '')
    .split('\n')
    .map((line) => line.trim())
    .join(' ')
    .trim();

/**
 * pnpm-workspace.yaml's `onlyBuiltDependencies`: the dependencies whose install scripts pnpm
 * runs. npm 11 blocks install scripts the same way unless package.json's `allowScripts` lists
 * the package (npm 10 runs them all and ignores the field).
 */
export function readBuildAllowlist(root: string): BuildAllowlist {
  const file = join(root, 'pnpm-workspace.yaml');
  if (!existsSync(file)) return { names: [], reason: '' };
  const document = parseDocument(readFileSync(file, 'utf8'));
  const pair = isMap(document.contents)
    ? document.contents.items.find(
        (p) => isScalar(p.key) && p.key.value === 'onlyBuiltDependencies',
      )
    : undefined;
  const names =
    (document.toJS() as { onlyBuiltDependencies?: string[] }).onlyBuiltDependencies ?? [];
  const reason = pair !== undefined && isScalar(pair.key) ? oneLine(pair.key.commentBefore) : '';
  return { names, reason };
}

/**
 * The workspace's overrides, from `overrides:` in pnpm-workspace.yaml (with the comment above
 * each entry as its reason) and from the root package.json's `pnpm.overrides`.
 */
export function readOverrides(root: string): Override[] {
  const found: Override[] = [];
  const file = join(root, 'pnpm-workspace.yaml');
  if (existsSync(file)) {
    const overrides = parseDocument(readFileSync(file, 'utf8')).get('overrides', true);
    if (isMap(overrides)) {
      for (const [i, pair] of overrides.items.entries()) {
        if (!isScalar(pair.key) || !isScalar(pair.value)) continue;
        // yaml puts the comment above the first entry on the map itself.
        const comment = pair.key.commentBefore ?? (i === 0 ? overrides.commentBefore : '') ?? '';
        found.push({
          name: String(pair.key.value),
          version: String(pair.value.value),
          reason: oneLine(comment),
        });
      }
    }
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    pnpm?: { overrides?: Record<string, string> };
  };
  for (const [name, version] of Object.entries(manifest.pnpm?.overrides ?? {})) {
    if (!found.some((o) => o.name === name)) found.push({ name, version, reason: '' });
  }
  return found;
}
