/**
 * A TypeScript program over a package and the workspace modules it can reach, for the checker's
 * alias resolution (which module declares `serve`?). Module resolution is the workspace's own:
 * relative paths, and workspace package names through their `exports`. npm packages are left
 * unresolved on purpose: the exporter never needs their types, and the analysis then runs the
 * same on a fixture workspace without `node_modules`.
 */
import { existsSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';
import { resolveWorkspaceSpecifier, workspacePackageOf, type Workspace } from './workspace.ts';

/** What a module specifier names, seen from the file that imports it. */
export type SpecifierTarget =
  | { kind: 'builtin' }
  | { kind: 'npm'; name: string }
  | { kind: 'file'; file: string }
  | { kind: 'unresolved' };

/** `./x.ts`, `../y.js` → an existing `.ts` file (a `.js` suffix is tried as `.ts`). */
function resolveRelative(specifier: string, from: string): string | undefined {
  const path = resolve(dirname(from), specifier);
  const candidates = [path, path.replace(/\.(m|c)?js$/, '.$1ts'), `${path}.ts`, `${path}/index.ts`];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Classifies `specifier` as written in `from`. Workspace names resolve through `exports`. */
export function classifySpecifier(ws: Workspace, specifier: string, from: string): SpecifierTarget {
  if (specifier.startsWith('node:') || isBuiltin(specifier)) return { kind: 'builtin' };
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const file = resolveRelative(specifier, from);
    return file === undefined ? { kind: 'unresolved' } : { kind: 'file', file };
  }
  const pkg = workspacePackageOf(ws, specifier);
  if (pkg !== undefined) return { kind: 'file', file: resolveWorkspaceSpecifier(pkg, specifier) };
  const parts = specifier.split('/');
  return { kind: 'npm', name: specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]! };
}

/** Compiler options for analysis only: no lib, no `@types`, nothing emitted. */
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  allowImportingTsExtensions: true,
  noEmit: true,
  noLib: true,
  types: [],
  skipLibCheck: true,
};

/**
 * A program whose roots are `roots` and the `virtual` files (path → text, not on disk: README
 * snippets); every file they import that is in the workspace (relative or through a workspace
 * package's `exports`) is loaded too, transitively.
 */
export function createAnalysisProgram(
  ws: Workspace,
  roots: readonly string[],
  virtual: ReadonlyMap<string, string> = new Map(),
): ts.Program {
  const host = ts.createCompilerHost(OPTIONS, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = virtual.get(file);
    if (text === undefined) return getSourceFile.call(host, file, language, ...rest);
    return ts.createSourceFile(file, text, language, true);
  };
  host.resolveModuleNameLiterals = (literals, containingFile) =>
    literals.map((literal) => {
      let target: SpecifierTarget;
      try {
        target = classifySpecifier(ws, literal.text, containingFile);
      } catch {
        target = { kind: 'unresolved' }; // reported by the analysis, with the importing file
      }
      if (target.kind !== 'file' || !target.file.endsWith('.ts')) {
        return { resolvedModule: undefined };
      }
      return {
        resolvedModule: {
          resolvedFileName: target.file,
          extension: target.file.endsWith('.d.ts') ? ts.Extension.Dts : ts.Extension.Ts,
          isExternalLibraryImport: false,
        },
      };
    });
  return ts.createProgram({ rootNames: [...roots, ...virtual.keys()], options: OPTIONS, host });
}
