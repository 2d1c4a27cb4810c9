/**
 * The analysis of one file (see `analyze.ts`): its imports as graph edges, and the edits that
 * rewrite its imports of workspace modules.
 */
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import {
  exportBindings,
  importBindings,
  isRequireResolve,
  renderExports,
  renderImports,
  type Binding,
} from './bindings.ts';
import type { DeclarationResolver, Declaration } from './declaring-module.ts';
import type { TextEdit } from './edits.ts';
import { WorkspaceError } from './errors.ts';
import { inlinedSpecifier } from './layout.ts';
import { ownPathLiterals, type ForeignPath } from './paths.ts';
import { classifySpecifier } from './program.ts';
import type { Workspace, WorkspacePackage } from './workspace.ts';

/** One import of a file: another module (absolute path) or an npm package. */
export type Edge = ({ file: string } | { npm: string }) & { typeOnly: boolean };

/** The result of the analysis (`analyze.ts`). */
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

/** What every file's analysis shares. */
export interface Context {
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
export class FileAnalysis {
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
