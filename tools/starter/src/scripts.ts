/**
 * The npm scripts of an exported project: the package's own, `lint`/`format` from the
 * workspace root, and the CLI scripts of the library packages it reaches (`certs`, whose file
 * is inlined with the rest), plus which npm packages the scripts run.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inlinedPath } from './layout.ts';
import { isLibrary, type Workspace, type WorkspacePackage } from './workspace.ts';

/** Scripts every package has for itself: a library's are not carried into a starter. */
const OWN_SCRIPTS = new Set([
  'typecheck',
  'test',
  'lint',
  'format',
  'dev',
  'start',
  'build',
  'bench',
  'client',
]);
/** Scripts that only check or measure: the packages they run are devDependencies. */
export const DEV_SCRIPTS = new Set(['test', 'typecheck', 'lint', 'format', 'bench']);
/** Root scripts a starter takes over when its package has none of that name. */
const ROOT_SCRIPTS = ['lint', 'format'];

/** A library package's CLI script, to be carried into the starters that reach the package. */
export interface LibraryScript {
  name: string;
  pkg: WorkspacePackage;
  /** The command with the package's files as they are in the exported project. */
  command: string;
  /** The package's files the command names (absolute): inlined with the rest. */
  files: string[];
}

/** The CLI scripts of a library package (`certs`: `tsx src/main.ts`); none for a program. */
export function libraryScripts(pkg: WorkspacePackage): LibraryScript[] {
  if (!isLibrary(pkg)) return [];
  return Object.entries(pkg.manifest.scripts ?? {})
    .filter(([name]) => !OWN_SCRIPTS.has(name))
    .map(([name, command]) => {
      const files: string[] = [];
      const words = command.split(/\s+/).map((word) => {
        const file = join(pkg.dir, word);
        if (word === '' || !existsSync(file) || !statSync(file).isFile()) return word;
        files.push(file);
        return inlinedPath(pkg, file);
      });
      return { name, pkg, command: words.join(' '), files };
    });
}

/**
 * The exported scripts: the package's own, the root's `lint` and `format`, and the CLI scripts
 * of the reached library packages (skipped, with a note, when the name is taken).
 */
export function exportedScripts(
  ws: Workspace,
  pkg: WorkspacePackage,
  reached: Iterable<WorkspacePackage>,
): { scripts: Record<string, string>; carried: LibraryScript[]; notes: string[] } {
  const scripts: Record<string, string> = { ...pkg.manifest.scripts };
  const carried: LibraryScript[] = [];
  const notes: string[] = [];
  for (const name of ROOT_SCRIPTS) {
    const command = ws.manifest.scripts?.[name];
    if (command !== undefined && scripts[name] === undefined) scripts[name] = command;
  }
  for (const library of reached) {
    for (const script of libraryScripts(library)) {
      if (scripts[script.name] === undefined) {
        scripts[script.name] = script.command;
        carried.push(script);
      } else notes.push(`${library.name}'s script ${script.name} not added: ${pkg.name} has one`);
    }
  }
  return { scripts, carried, notes };
}

/**
 * Root scripts that only forward to a library's script (`"certs": "pnpm --silent --filter certs
 * certs"`) whose script the starter now has: root name → exported script name. The README's
 * `pnpm certs` becomes `npm run certs`.
 */
export function rootAliases(ws: Workspace, scripts: Record<string, string>): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const [name, command] of Object.entries(ws.manifest.scripts ?? {})) {
    const match = /^pnpm(?: --silent)? --filter (\S+) (\S+)$/.exec(command.trim());
    if (match === null) continue;
    const library = ws.packages.get(match[1]!);
    if (library === undefined || !isLibrary(library)) continue;
    if (scripts[match[2]!] !== undefined) aliases.set(name, match[2]!);
  }
  return aliases;
}

/**
 * The npm packages a command runs, by its words: `node --import tsx …` → tsx; `vitest run` →
 * the package whose `bin` is `vitest`. `bins` maps a bin name to its package.
 */
export function commandPackages(command: string, bins: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const segment of command.split(/&&|\|\||;|\|/)) {
    const words = segment
      .trim()
      .split(/\s+/)
      .filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
    const [program, ...rest] = words;
    if (program === undefined || program === '') continue;
    if (program === 'node') {
      rest.forEach((word, i) => {
        if (['--import', '--loader', '--require', '-r'].includes(word) && rest[i + 1]) {
          found.push(rest[i + 1]!);
        }
      });
    } else if (program !== 'npm' && program !== 'npx') {
      found.push(bins.get(program) ?? program);
    }
  }
  return found;
}

/**
 * Bin name → package, from the `bin` field of the packages the workspace root and `pkg`
 * depend on (read from `node_modules`; a bin named like its package needs no entry).
 */
export function binTable(ws: Workspace, pkg: WorkspacePackage): Map<string, string> {
  // TypeScript's bin is the one well-known bin not named like its package: known even without
  // node_modules (a fixture workspace); the lookup below finds the others.
  const bins = new Map<string, string>([['tsc', 'typescript']]);
  for (const manifest of [ws.manifest, pkg.manifest]) {
    const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    for (const name of names) {
      for (const dir of [pkg.dir, ws.root]) {
        const file = join(dir, 'node_modules', name, 'package.json');
        if (!existsSync(file)) continue;
        const bin = (
          JSON.parse(readFileSync(file, 'utf8')) as { bin?: string | Record<string, string> }
        ).bin;
        if (typeof bin === 'string') bins.set(name.split('/').pop()!, name);
        else for (const key of Object.keys(bin ?? {})) bins.set(key, name);
        break;
      }
    }
  }
  return bins;
}
