/**
 * buffer-demo's errors. Bad options are common's `InvalidArgumentError` (Node's codes, naming
 * the option); a demo stopped with Ctrl-C rejects with its `AbortSignal`'s reason (an
 * `AbortError`, code `ABORT_ERR`), after removing what it created.
 */
import { NetlabError } from 'common';

/**
 * Codes of {@link StaticServerError}:
 * - `ERR_SERVER_EXITED`: the static-content child server exited before or while it was measured;
 * - `ERR_SERVER_START_TIMEOUT`: it did not report its port within `startTimeout`;
 * - `ERR_REQUEST_TIMEOUT`: a traced request got no complete response in time.
 */
export type StaticServerErrorCode =
  'ERR_SERVER_EXITED' | 'ERR_SERVER_START_TIMEOUT' | 'ERR_REQUEST_TIMEOUT';

/** The static-content demo's child server failed (§6.4). `stderr` holds what it printed. */
export class StaticServerError extends NetlabError<StaticServerErrorCode> {
  constructor(
    code: StaticServerErrorCode,
    message: string,
    readonly stderr = '',
  ) {
    super(code, stderr === '' ? message : `${message}\n${stderr.trimEnd()}`);
  }
}
