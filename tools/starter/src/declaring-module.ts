/**
 * Which module declares a name that an entry point re-exports: `serve` imported from `common`
 * is declared in `common/src/lifecycle.ts`, so a starter imports it from there and does not
 * need `common`'s index (nor the modules behind its other exports).
 */
import ts from 'typescript';

/** Where an imported name really lives. */
export type Declaration =
  /** `file` exports the name as `exportName` (a class, function, type … or a re-export of an npm package's). */
  | { kind: 'export'; file: string; exportName: string }
  /** The name is the namespace of `file` (`export * as constants from './constants.ts'`). */
  | { kind: 'namespace'; file: string };

/**
 * Resolves names through re-export chains with the type checker. `isInlinable(file)` says which
 * files may be the answer (workspace sources outside the exported package); the answer is the
 * last file on the chain that still exports the name, so a name that a workspace module takes
 * from an npm package (`export type { Logger } from 'pino'` behind `common`'s `Logger`) resolves
 * to that workspace module.
 */
export class DeclarationResolver {
  readonly #checker: ts.TypeChecker;
  readonly #isInlinable: (file: string) => boolean;

  constructor(program: ts.Program, isInlinable: (file: string) => boolean) {
    this.#checker = program.getTypeChecker();
    this.#isInlinable = isInlinable;
  }

  /** The module symbol of a module specifier as written in an import or export declaration. */
  moduleOf(specifier: ts.Expression): ts.Symbol | undefined {
    return this.#checker.getSymbolAtLocation(specifier);
  }

  /**
   * Where `name` exported by `module` (a module symbol from {@link moduleOf}) is declared, or
   * undefined when the module does not export it.
   */
  resolve(module: ts.Symbol, name: string): Declaration | undefined {
    let current = this.#checker.tryGetMemberInModuleExports(name, module);
    let found: Declaration | undefined;
    const seen = new Set<ts.Symbol>();
    while (current !== undefined && !seen.has(current)) {
      seen.add(current);
      const declaration = current.declarations?.[0];
      if (declaration === undefined) break;
      if (ts.isSourceFile(declaration)) {
        if (this.#isInlinable(declaration.fileName)) {
          found = { kind: 'namespace', file: declaration.fileName };
        }
        break;
      }
      const file = declaration.getSourceFile();
      if (this.#isInlinable(file.fileName) && this.#exports(file, current)) {
        found = { kind: 'export', file: file.fileName, exportName: current.name };
      }
      if ((current.flags & ts.SymbolFlags.Alias) === 0) break;
      current = this.#checker.getImmediateAliasedSymbol(current);
    }
    return found;
  }

  /** Whether `symbol` is one of `file`'s own exports (not an import or a local). */
  #exports(file: ts.SourceFile, symbol: ts.Symbol): boolean {
    const module = this.#checker.getSymbolAtLocation(file);
    if (module?.exports?.get(symbol.escapedName) === symbol) return true;
    const declaration = symbol.declarations?.[0];
    return (
      declaration !== undefined &&
      (ts.getCombinedModifierFlags(declaration as ts.Declaration) & ts.ModifierFlags.Export) !== 0
    );
  }
}
