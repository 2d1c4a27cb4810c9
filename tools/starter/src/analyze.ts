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
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { DeclarationResolver, type Declaration } from './declaring-module.ts';
import { WorkspaceError } from './errors.ts';
import { inlinedPath, inlinedSpecifier } from './layout.ts';
import { ownPathLiterals, projectRelative, type ForeignPath } from './paths.ts';
import { classifySpecifier, createAnalysisProgram } from './program.ts';
import {
  exportBindings,
  importBindings,
  isRequireResolve,
  renderExports,
  renderImports,
  type Binding,
} from './bindings.ts';
import { owningPackage, type Workspace, type WorkspacePackage } from './workspace.ts';

/** Replace `text` between `start` and `end` (offsets in the original file). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** One import of a file: another module (absolute path) or an npm package. */
export type Edge = ({ file: string } | { npm: string }) & { typeOnly: boolean };

/** The result of {@link analyze}. */
export interface Analysis {
  /** Workspace modules to inline, by absolute path, with their package. */
  inlined: Map<string, WorkspacePackage>;
  /** Edits to apply to own and inlined files before writing them, by absolute path. */
  edits: Map<string, TextEdit[]>;
  /** Every analysed file's imports. */
  edges: Map<string, Edge[]>;
  /** Non-TS files that inlined modules open with `new URL('…', import.meta.url)`. */
  assets: Map<string, WorkspacePackage>;
  /** What the export cannot carry over (a path into another package), file and line first. */
  notes: string[];
}

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

interface Context {
  /** The exported package. */
  pkg: WorkspacePackage;
  /** Own files' paths into other packages, resolved once every inlined module is known. */
  foreign: (ForeignPath & { file: string })[];
  resolver: DeclarationResolver;
  isOwn: (file: string) => boolean;
  /**
   * Marks a workspace module as inlined, `asWhole` when its whole API is used (code); returns
   * its package if it is inlined (docs).
   */
  include: (file: string, asWhole: boolean) => WorkspacePackage;
  result: Analysis;
  /** A snippet: unresolved imports are left alone, and its imports are no dependencies. */
  docs: boolean;
  /** An inlined module used by name only: its `export … from` declarations go. */
  dropReexports: boolean;
}

/** The analysis of one file: its edges, and edits for its workspace imports. */
class FileAnalysis {
  readonly #edges: Edge[] = [];
  readonly #edits: TextEdit[] = [];

  constructor(
    readonly ws: Workspace,
    readonly source: ts.SourceFile,
    /** The file's workspace package when it is an inlined module; undefined for an own file. */
    readonly owner: WorkspacePackage | undefined,
    readonly ctx: Context,
  ) {}

  run(): void {
    for (const statement of this.source.statements) {
      const isDeclaration =
        ts.isImportDeclaration(statement) ||
        (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined);
      if (!isDeclaration) continue;
      if (this.ctx.dropReexports && ts.isExportDeclaration(statement) && this.#local(statement)) {
        this.#edits.push({ start: statement.getStart(this.source), end: statement.end, text: '' });
        continue;
      }
      try {
        this.#declaration(statement);
      } catch (err) {
        if (!this.ctx.docs || !(err instanceof WorkspaceError)) throw err;
      }
    }
    if (!this.ctx.docs) {
      this.#walk(this.source);
      this.ctx.result.edges.set(this.source.fileName, this.#edges);
    }
    if (!this.ctx.docs && this.owner === undefined) {
      const { edits, foreign } = ownPathLiterals(this.ws, this.ctx.pkg, this.source);
      this.#edits.push(...edits);
      this.ctx.foreign.push(...foreign.map((f) => ({ ...f, file: this.source.fileName })));
    }
    // A module analysed again (now used as a whole) replaces its first edits.
    if (this.#edits.length > 0) this.ctx.result.edits.set(this.source.fileName, this.#edits);
    else this.ctx.result.edits.delete(this.source.fileName);
  }

  /**
   * Whether a re-export names a workspace module (whose names importers take from their
   * declaring modules), not an npm package (`export type { Logger } from 'pino'`, which makes
   * this module the one that declares `Logger` for the workspace).
   */
  #local(statement: ts.ExportDeclaration): boolean {
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    try {
      return classifySpecifier(this.ws, specifier, this.source.fileName).kind === 'file';
    } catch {
      return false;
    }
  }

  /** `import()` calls, `import('…')` types, `require.resolve('…')`, `new URL('…', import.meta.url)`. */
  #walk(node: ts.Node): void {
    if (ts.isCallExpression(node) && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      const [literal] = node.arguments as unknown as [ts.StringLiteral];
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) this.#whole(literal, false);
      else if (isRequireResolve(node.expression)) this.#whole(literal, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      this.#whole(node.argument.literal, true);
    } else if (ts.isNewExpression(node) && this.owner !== undefined) {
      this.#asset(node);
    }
    ts.forEachChild(node, (child) => this.#walk(child));
  }

  /** What `literal` names; throws for a file that does not exist. */
  #target(literal: ts.StringLiteral): ReturnType<typeof classifySpecifier> {
    let target;
    try {
      target = classifySpecifier(this.ws, literal.text, this.source.fileName);
    } catch (err) {
      throw new WorkspaceError(
        'ERR_UNRESOLVED_IMPORT',
        `${this.#where(literal)}: ${(err as Error).message}`,
      );
    }
    if (target.kind === 'unresolved') {
      throw new WorkspaceError(
        'ERR_UNRESOLVED_IMPORT',
        `${this.#where(literal)}: cannot resolve '${literal.text}'`,
      );
    }
    return target;
  }

  /** A module used as a whole: an npm package, an own file, or a workspace module inlined as is. */
  #whole(literal: ts.StringLiteral, typeOnly: boolean, asWhole = true): void {
    const target = this.#target(literal);
    if (target.kind === 'npm') this.#edges.push({ npm: target.name, typeOnly });
    if (target.kind !== 'file') return;
    this.#edges.push({ file: target.file, typeOnly });
    if (this.ctx.isOwn(target.file)) return;
    const pkg = this.ctx.include(target.file, asWhole);
    this.#respecify(literal, { pkg, file: target.file });
  }

  #declaration(statement: ts.ImportDeclaration | ts.ExportDeclaration): void {
    const literal = statement.moduleSpecifier as ts.StringLiteral;
    const bindings = ts.isImportDeclaration(statement)
      ? importBindings(statement)
      : exportBindings(statement);
    const typeOnly =
      bindings !== undefined && bindings.length > 0 && bindings.every((b) => b.typeOnly);
    const target = this.#target(literal);
    if (target.kind === 'npm') this.#edges.push({ npm: target.name, typeOnly });
    if (target.kind !== 'file') return;
    if (this.ctx.isOwn(target.file) || bindings === undefined || bindings.length === 0) {
      this.#whole(literal, typeOnly);
      return;
    }
    const module = this.ctx.resolver.moduleOf(literal);
    const groups = new Map<string, { declaration: Declaration; bindings: Binding[] }>();
    for (const binding of bindings) {
      const declaration =
        module === undefined ? undefined : this.ctx.resolver.resolve(module, binding.imported);
      if (declaration === undefined) {
        throw new WorkspaceError(
          'ERR_UNRESOLVED_IMPORT',
          `${this.#where(literal)}: '${literal.text}' does not export ${binding.imported}`,
        );
      }
      const key = `${declaration.kind}:${declaration.file}`;
      const group = groups.get(key) ?? { declaration, bindings: [] };
      group.bindings.push(
        declaration.kind === 'export' ? { ...binding, imported: declaration.exportName } : binding,
      );
      groups.set(key, group);
    }
    const [only] = groups.values();
    if (
      groups.size === 1 &&
      only!.declaration.kind === 'export' &&
      only!.declaration.file === target.file
    ) {
      // Already the declaring module: only the specifier may change.
      this.#whole(literal, typeOnly, false);
      return;
    }
    const ordered = [...groups.values()].map(({ declaration, bindings: group }) => {
      const pkg = this.ctx.include(declaration.file, false);
      this.#edges.push({ file: declaration.file, typeOnly: group.every((b) => b.typeOnly) });
      return {
        declaration,
        bindings: group,
        specifier: this.#specifier({ pkg, file: declaration.file }),
      };
    });
    ordered.sort((a, b) => a.specifier.localeCompare(b.specifier));
    const render = ts.isImportDeclaration(statement) ? renderImports : renderExports;
    this.#edits.push({
      start: statement.getStart(this.source),
      end: statement.end,
      text: ordered
        .map((g) => render(g.specifier, g.bindings, g.declaration.kind === 'namespace'))
        .join('\n'),
    });
  }

  /** The specifier this file uses for an inlined module. */
  #specifier(target: { pkg: WorkspacePackage; file: string }): string {
    const importer =
      this.owner === undefined ? undefined : { pkg: this.owner, file: this.source.fileName };
    return inlinedSpecifier(target, importer);
  }

  /** Rewrites `literal` to the inlined module's specifier, unless it already is one. */
  #respecify(literal: ts.StringLiteral, target: { pkg: WorkspacePackage; file: string }): void {
    const relative = literal.text.startsWith('.');
    if (relative && this.owner === target.pkg) return; // a module of the same package, unchanged
    this.#edits.push({
      start: literal.getStart(this.source),
      end: literal.end,
      text: `'${this.#specifier(target)}'`,
    });
  }

  /** `new URL('./page.html', import.meta.url)` in an inlined module: copy the file along. */
  #asset(node: ts.NewExpression): void {
    const [path, base] = node.arguments ?? [];
    if (!ts.isIdentifier(node.expression) || node.expression.text !== 'URL') return;
    if (path === undefined || !ts.isStringLiteral(path) || base === undefined) return;
    if (base.getText(this.source) !== 'import.meta.url') return;
    const file = fileURLToPath(new URL(path.text, pathToFileURL(this.source.fileName)));
    if (this.owner !== undefined && file.startsWith(this.owner.dir + sep) && !file.endsWith('/')) {
      this.ctx.result.assets.set(file, this.owner);
    }
  }

  #where(node: ts.Node): string {
    const { line } = this.source.getLineAndCharacterOfPosition(node.getStart(this.source));
    return `${this.source.fileName.slice(this.ws.root.length + 1)}:${line + 1}`;
  }
}
