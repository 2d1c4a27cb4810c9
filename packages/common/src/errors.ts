/**
 * The base of every netlab error: a message for people and a stable `code` for programs
 * (Node's convention, `ERR_*`). Packages extend it in their own `errors.ts` with the
 * protocol field they imply (a WebSocket close code, an HTTP status code).
 */
export class NetlabError extends Error {
  /** Stable, machine-readable code, e.g. `ERR_INVALID_ARG_VALUE`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A bad command-line flag or environment value. `main.ts` prints `message` on one line and
 * exits with {@link CliError.exitCode} (2, the usage-error convention).
 *
 * Codes: `ERR_UNKNOWN_FLAG`, `ERR_INVALID_ARG_VALUE`, `ERR_MISSING_ARGS`.
 */
export class CliError extends NetlabError {
  readonly exitCode = 2;
}

/**
 * Thrown by {@link parseServerArgs} for `--help`: not a failure, a way out of the parse that
 * keeps parsing free of `process.exit`. {@link runMain} prints `text` on stdout and exits 0.
 */
export class HelpRequested extends NetlabError {
  readonly exitCode = 0;

  constructor(readonly text: string) {
    super('HELP_REQUESTED', 'help requested');
  }
}
