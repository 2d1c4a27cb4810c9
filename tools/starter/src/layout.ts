/**
 * Where files go in an exported project, and how they import each other there.
 *
 * The package's own files keep their paths. A workspace module is inlined under
 * `src/lib/<package>/`, its path inside the package's `src/` kept
 * (`packages/common/src/harness/child.ts` → `src/lib/common/harness/child.ts`). Because
 * `packages/<x>/src/` and `src/lib/<x>/` are both three folders deep, a path that a module builds
 * from `import.meta.url` up to the workspace root (certs' `../../../certs/`) points at the
 * exported project's root.
 *
 * Own files import inlined modules through the package's subpath imports (`"imports":
 * {"#lib/*": "./src/lib/*"}` in package.json: Node, TypeScript, tsx and Vite all resolve it),
 * so `import { serve } from '#lib/common/lifecycle.ts'` reads the same at any depth; inlined
 * modules import modules of their own package by their original relative paths.
 */
import { dirname, relative, sep } from 'node:path';
import type { WorkspacePackage } from './workspace.ts';

/** The subpath-import prefix of inlined modules. */
export const LIB_PREFIX = '#lib/';
/** Where inlined modules live in the exported project. */
export const LIB_DIR = 'src/lib/';

const posix = (path: string): string => path.split(sep).join('/');

/** A file's path inside its package, without a leading `src/` (`harness/child.ts`). */
function pathInLib(pkg: WorkspacePackage, file: string): string {
  const inPackage = posix(relative(pkg.dir, file));
  return inPackage.startsWith('src/') ? inPackage.slice('src/'.length) : inPackage;
}

/** The project-relative path of an inlined workspace file (`src/lib/common/lifecycle.ts`). */
export function inlinedPath(pkg: WorkspacePackage, file: string): string {
  return `${LIB_DIR}${pkg.name}/${pathInLib(pkg, file)}`;
}

/**
 * The specifier that `importer` uses for the inlined `target`: a relative path between two
 * modules of the same workspace package, `#lib/<package>/<path>` otherwise.
 */
export function inlinedSpecifier(
  target: { pkg: WorkspacePackage; file: string },
  importer: { pkg: WorkspacePackage; file: string } | undefined,
): string {
  if (importer !== undefined && importer.pkg === target.pkg) {
    const path = posix(
      relative(
        dirname(inlinedPath(importer.pkg, importer.file)),
        inlinedPath(target.pkg, target.file),
      ),
    );
    return path.startsWith('.') ? path : `./${path}`;
  }
  return `${LIB_PREFIX}${target.pkg.name}/${pathInLib(target.pkg, target.file)}`;
}
