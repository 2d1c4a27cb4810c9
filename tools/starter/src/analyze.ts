/**
 * The import graph of a package as it will be exported: which workspace modules it reaches
 * (only those, not whole packages), how each import of a workspace package is rewritten, and
 * which npm packages every file imports.
 *
 * An import from a workspace package's entry point (`import { serve, type Logger } from
 * 'common'`) is split into imports from the modules that declare the names
 * (`import { serve } from '#lib/common/lifecycle.ts'`, `import type { Logger } from
 * '#lib/common/logger.ts'`); `import type` stays a type import. A namespace import, a side-effect
 * import, `export *`, `import()` or `import('…')` in a type cannot be split: the module they name
 * is inlined as it is (a re-export-only index included). Inlined modules are analysed the same
 * way, transitively.
 *
 * Since every name resolves to the module that declares it, nothing imports a name through an
 * inlined module's re-exports of workspace modules (`export { x } from './x.ts'`): they are
 * dropped, and what they name is not inlined for them. A module inlined as a whole keeps them.
 */
import { join, relative, sep } from 'node:path';
import { DeclarationResolver } from './declaring-module.ts';
import { WorkspaceError } from './errors.ts';
import { FileAnalysis, type Analysis, type Context } from './file-analysis.ts';
import { inlinedPath } from './layout.ts';
import { projectRelative } from './paths.ts';
import { createAnalysisProgram } from './program.ts';
import { owningPackage, type Workspace, type WorkspacePackage } from './workspace.ts';

/**
 * Analyses `pkg`: `roots` are its own TypeScript files (all copied as they are, but for
 * rewritten imports). `extraRoots(p)` names files of a workspace package `p` to inline as soon
 * as the package is reached at all (its CLI scripts, say). `docs` are code snippets (virtual
 * files under the package's folder, path → text): their imports are rewritten once the code is
 * analysed, where they name modules that are inlined anyway; nothing is inlined for them, and an
 * import that does not resolve is left as it is.
 *
 * @throws {WorkspaceError} `ERR_UNRESOLVED_IMPORT` for an import that names a missing file or a
 *   name a workspace module does not export.
 */
export function analyze(
  ws: Workspace,
  pkg: WorkspacePackage,
  roots: readonly string[],
  extraRoots: (reached: WorkspacePackage) => string[],
  docs: ReadonlyMap<string, string> = new Map(),
): Analysis {
  const candidates = [...ws.packages.values()].flatMap((p) => (p === pkg ? [] : extraRoots(p)));
  const program = createAnalysisProgram(ws, [...roots, ...candidates], docs);
  const isOwn = (file: string): boolean => file.startsWith(pkg.dir + sep);
  const inlinable = (file: string): boolean =>
    !isOwn(file) && owningPackage(ws, file) !== undefined;
  const resolver = new DeclarationResolver(program, inlinable);
  const result: Analysis = {
    inlined: new Map(),
    edits: new Map(),
    edges: new Map(),
    assets: new Map(),
    notes: [],
  };
  const queue: string[] = [...roots];
  const reached = new Set<WorkspacePackage>();
  const foreign: Context['foreign'] = [];
  /** Inlined modules used as a whole (their re-exports kept), and the files analysed so far. */
  const whole = new Set<string>();
  const analysed = new Set<string>();

  const include = (file: string, asWhole: boolean): WorkspacePackage => {
    const owner = owningPackage(ws, file)!;
    if (asWhole && !whole.has(file)) {
      whole.add(file);
      if (analysed.has(file)) queue.push(file); // again, now with its re-exports
    }
    if (!result.inlined.has(file)) {
      result.inlined.set(file, owner);
      queue.push(file);
      if (!reached.has(owner)) {
        reached.add(owner);
        for (const extra of extraRoots(owner)) include(extra, true);
      }
    }
    return owner;
  };

  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new WorkspaceError('ERR_WORKSPACE', `cannot read ${file}`);
    analysed.add(file);
    const owner = isOwn(file) ? undefined : result.inlined.get(file);
    new FileAnalysis(ws, source, owner, {
      pkg,
      foreign,
      resolver,
      isOwn,
      include,
      result,
      docs: false,
      dropReexports: owner !== undefined && !whole.has(file),
    }).run();
  }
  for (const path of foreign) {
    const owner = result.inlined.get(path.target);
    if (owner === undefined) {
      const named = relative(ws.root, path.target).split(sep).join('/');
      result.notes.push(`${path.where} refers to ${named}, which the export does not have`);
      continue;
    }
    const text = `'${projectRelative(ws, pkg, path.file, join(ws.root, inlinedPath(owner, path.target)))}'`;
    const edits = result.edits.get(path.file) ?? [];
    result.edits.set(path.file, [...edits, { start: path.start, end: path.end, text }]);
  }
  const inlined = (file: string): WorkspacePackage => {
    const owner = result.inlined.get(file);
    if (owner === undefined) throw new WorkspaceError('ERR_UNRESOLVED_IMPORT', 'not inlined');
    return owner;
  };
  for (const file of docs.keys()) {
    const source = program.getSourceFile(file)!;
    new FileAnalysis(ws, source, undefined, {
      pkg,
      foreign,
      resolver,
      isOwn,
      include: inlined,
      result,
      docs: true,
      dropReexports: false,
    }).run();
  }
  return result;
}
