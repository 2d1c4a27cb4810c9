/**
 * The names an import or export declaration binds, and the text of the declarations that bind
 * them from other modules. Prettier formats the written files afterwards, so the text only has
 * to be correct, not pretty.
 */
import ts from 'typescript';

/** One name bound by an import (or re-exported by an export declaration). */
export interface Binding {
  /** The name the module exports (`default` for a default export). */
  imported: string;
  /** The name in the importing file (for an export declaration: the name exported). */
  local: string;
  /** Bound as a type only (`import type`, or `type` before the name). */
  typeOnly: boolean;
}

const alias = (b: Binding): string =>
  b.imported === b.local ? b.local : `${b.imported} as ${b.local}`;

/**
 * `import …` declarations binding `bindings` from `specifier`: `import type { … }` when every
 * name is a type, `type` before each type name otherwise; `import * as x` when the module is
 * bound as a namespace.
 */
export function renderImports(specifier: string, bindings: Binding[], namespace: boolean): string {
  const from = `from '${specifier}';`;
  if (namespace) {
    return bindings
      .map((b) => `import ${b.typeOnly ? 'type ' : ''}* as ${b.local} ${from}`)
      .join('\n');
  }
  const allTypes = bindings.every((b) => b.typeOnly);
  const defaults = bindings.filter((b) => b.imported === 'default');
  const named = bindings.filter((b) => b.imported !== 'default');
  const list = named.map((b) => `${b.typeOnly && !allTypes ? 'type ' : ''}${alias(b)}`).join(', ');
  const lines: string[] = [];
  if (allTypes) {
    for (const d of defaults) lines.push(`import type ${d.local} ${from}`);
    if (named.length > 0) lines.push(`import type { ${list} } ${from}`);
    return lines.join('\n');
  }
  const head = defaults.map((d) => d.local);
  if (named.length > 0) head.push(`{ ${list} }`);
  return `import ${head.join(', ')} ${from}`;
}

/** `export { … } from` declarations; `export * as x from` for a namespace. */
export function renderExports(specifier: string, bindings: Binding[], namespace: boolean): string {
  const from = `from '${specifier}';`;
  if (namespace) {
    return bindings
      .map((b) => `export ${b.typeOnly ? 'type ' : ''}* as ${b.local} ${from}`)
      .join('\n');
  }
  const allTypes = bindings.every((b) => b.typeOnly);
  const list = bindings
    .map((b) => `${b.typeOnly && !allTypes ? 'type ' : ''}${alias(b)}`)
    .join(', ');
  return `export ${allTypes ? 'type ' : ''}{ ${list} } ${from}`;
}

/** `createRequire(…).resolve` or `require.resolve`. */
export function isRequireResolve(callee: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'resolve' &&
    /\brequire\b|createRequire/i.test(callee.expression.getText())
  );
}

/** The names an import binds, or undefined for a side-effect or namespace import. */
export function importBindings(statement: ts.ImportDeclaration): Binding[] | undefined {
  const clause = statement.importClause;
  if (clause === undefined) return undefined;
  const named = clause.namedBindings;
  if (named !== undefined && ts.isNamespaceImport(named)) return undefined;
  const typeOnly = clause.isTypeOnly;
  const bindings: Binding[] = [];
  if (clause.name !== undefined)
    bindings.push({ imported: 'default', local: clause.name.text, typeOnly });
  for (const element of named?.elements ?? []) {
    bindings.push({
      imported: (element.propertyName ?? element.name).text,
      local: element.name.text,
      typeOnly: typeOnly || element.isTypeOnly,
    });
  }
  return bindings;
}

/** The names a re-export binds, or undefined for `export *` and `export * as ns`. */
export function exportBindings(statement: ts.ExportDeclaration): Binding[] | undefined {
  const clause = statement.exportClause;
  if (clause === undefined || ts.isNamespaceExport(clause)) return undefined;
  return clause.elements.map((element) => ({
    imported: (element.propertyName ?? element.name).text,
    local: element.name.text,
    typeOnly: statement.isTypeOnly || element.isTypeOnly,
  }));
}
