/**
 * Paths that a package's own files build out of their package, up into the workspace. The
 * package's files keep their place in the exported project (`packages/x/test/a.ts` →
 * `test/a.ts`), two folders nearer the root, so:
 *
 * - `new URL('../../../', import.meta.url)` (the workspace root, where `certs/` lives) is
 *   rewritten to the same place in the project (`new URL('../', import.meta.url)`): inlined
 *   modules already put the dev PKI there;
 * - a path into another workspace package (`'../../tls-echo/src/main.ts'`, a test that starts
 *   another package's program) points at that file in `src/lib/` if it is inlined; otherwise it
 *   has nothing to point at, and the export says so in a note.
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import { existsSync } from 'node:fs';
import ts from 'typescript';
import type { TextEdit } from './edits.ts';
import { owningPackage, type Workspace, type WorkspacePackage } from './workspace.ts';

const posix = (path: string): string => path.split(sep).join('/');

/** A path literal that names a file of another workspace package. */
export interface ForeignPath {
  start: number;
  end: number;
  /** The file it names (absolute) and its package. */
  target: string;
  owner: WorkspacePackage;
  /** `packages/x/test/a.ts:12`. */
  where: string;
}

/** The path from own `file`, at its place in the project, to `target` (absolute, under `ws.root`). */
export function projectRelative(
  ws: Workspace,
  pkg: WorkspacePackage,
  file: string,
  target: string,
): string {
  // The project stands where the package was; the file keeps its path inside it.
  const projectFile = join(ws.root, relative(pkg.dir, file));
  const path = posix(relative(dirname(projectFile), target));
  const prefixed = path === '' ? './' : path.startsWith('.') ? path : `./${path}`;
  return prefixed.endsWith('/') || !target.endsWith(sep) ? prefixed : `${prefixed}/`;
}

/**
 * One own file's path literals: edits for those that name the workspace root (see the module
 * comment), and those that name another package's files, to be resolved once the inlined
 * modules are known.
 */
export function ownPathLiterals(
  ws: Workspace,
  pkg: WorkspacePackage,
  source: ts.SourceFile,
): { edits: TextEdit[]; foreign: ForeignPath[] } {
  const edits: TextEdit[] = [];
  const foreign: ForeignPath[] = [];
  const file = source.fileName;
  const where = (node: ts.Node): string =>
    `${posix(relative(ws.root, file))}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const outside = (path: string): boolean =>
    path !== pkg.dir &&
    !path.startsWith(pkg.dir + sep) &&
    (path === ws.root || path.startsWith(ws.root + sep));

  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) && node.text.startsWith('../')) {
      const target = resolve(dirname(file), node.text) + (node.text.endsWith('/') ? sep : '');
      const path = target.replace(/[/\\]$/, '');
      if (outside(path)) {
        const other = owningPackage(ws, path + sep) ?? owningPackage(ws, path);
        const isUrl =
          ts.isNewExpression(node.parent) &&
          node.parent.arguments?.[0] === node &&
          node.parent.arguments[1]?.getText(source) === 'import.meta.url';
        if (other !== undefined && existsSync(path)) {
          const [start, end] = [node.getStart(source), node.end];
          foreign.push({ start, end, target: path, owner: other, where: where(node) });
        } else if (other === undefined && isUrl) {
          edits.push({
            start: node.getStart(source),
            end: node.end,
            text: `'${projectRelative(ws, pkg, file, target)}'`,
          });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { edits, foreign };
}
