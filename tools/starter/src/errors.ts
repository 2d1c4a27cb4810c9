import { NetlabError } from 'common';

/**
 * Codes of {@link ExportRefusedError}:
 * - `ERR_UNKNOWN_PACKAGE`: no workspace package has that name;
 * - `ERR_NOT_EXPORTABLE`: the package is not a program (a library such as `common` or `certs`,
 *   which starters inline, or a tool under `tools/`, which runs on the monorepo itself);
 * - `ERR_TARGET_NOT_EMPTY`: the target folder exists and has entries (nothing is overwritten).
 */
export type ExportRefusedCode =
  'ERR_UNKNOWN_PACKAGE' | 'ERR_NOT_EXPORTABLE' | 'ERR_TARGET_NOT_EMPTY';

/** An export refused because of what the user asked for: `main.ts` prints one line, exit 2. */
export class ExportRefusedError extends NetlabError<ExportRefusedCode> {}

/**
 * Codes of {@link WorkspaceError}:
 * - `ERR_UNRESOLVED_IMPORT`: an import names a file that does not exist, a subpath a workspace
 *   package's `exports` does not have, or a name its module does not export;
 * - `ERR_WORKSPACE`: the workspace cannot be read (no `pnpm-workspace.yaml` or lockfile, a
 *   package without a name, an npm package used but declared nowhere).
 */
export type WorkspaceErrorCode = 'ERR_UNRESOLVED_IMPORT' | 'ERR_WORKSPACE';

/** The workspace is not in a state an export can be made from (exit 1: a bug to fix there). */
export class WorkspaceError extends NetlabError<WorkspaceErrorCode> {}
