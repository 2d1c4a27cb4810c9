/**
 * The base of every netlab error: a message for people and a stable `code` for programs
 * (Node's convention, `ERR_*`). Each subclass narrows `code` to a closed union listed in its
 * TSDoc, so `switch (err.code)` is exhaustive and a typo is a type error.
 *
 * Packages extend it in their own `errors.ts` with the protocol field the error implies (a
 * WebSocket close code, an HTTP status code). No error knows about exit codes: mapping an
 * error to an exit status is `main.ts`'s job (common's `runMain`).
 */
export class NetlabError<C extends string = string> extends Error {
  /** Stable, machine-readable code, e.g. `ERR_OUT_OF_RANGE`. */
  readonly code: C;

  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Codes of {@link CliError}. */
export type CliErrorCode = 'ERR_UNKNOWN_FLAG' | 'ERR_INVALID_ARG_VALUE' | 'ERR_MISSING_ARGS';

/**
 * A bad command-line flag, argument or environment value. `runMain` prints `message` on one
 * line, prefixed with the program's name, and exits 2 (the usage-error convention).
 *
 * Codes: `ERR_UNKNOWN_FLAG` (a flag the command does not have), `ERR_INVALID_ARG_VALUE` (a bad
 * value or a stray argument; the message names the flag), `ERR_MISSING_ARGS`.
 */
export class CliError extends NetlabError<CliErrorCode> {}

/**
 * Thrown by `parseServerArgs`/`parseFlags` for `-h`/`--help`: not a failure but a way out of
 * the parse that keeps parsing free of `process.exit`. `runMain` prints `text` on stdout and
 * exits 0. Code `ERR_HELP_REQUESTED`.
 */
export class HelpRequested extends NetlabError<'ERR_HELP_REQUESTED'> {
  constructor(readonly text: string) {
    super('ERR_HELP_REQUESTED', 'help requested');
  }
}

/** Codes of {@link InvalidArgumentError}: Node's own (`lib/internal/errors.js`). */
export type InvalidArgumentCode =
  'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE' | 'ERR_INVALID_ARG_VALUE';

/**
 * A bad argument or option passed to a library function (`createTcpServer({ maxPayload: -1 })`),
 * with Node's codes and wording: `ERR_INVALID_ARG_TYPE` (not a number, not an integer),
 * `ERR_OUT_OF_RANGE` (outside `[min, max]`), `ERR_INVALID_ARG_VALUE` (any other bad value). The
 * message names the option, e.g. `The value of "maxPayload" is out of range. It must be >= 0 and
 * <= 1073741824. Received -1`.
 */
export class InvalidArgumentError extends NetlabError<InvalidArgumentCode> {}

/** Codes of {@link ServerStateError}. */
export type ServerStateCode = 'ERR_SERVER_NOT_RUNNING';

/** A server used in a state that does not allow it (asking a closed server for its port). */
export class ServerStateError extends NetlabError<ServerStateCode> {}

/** Codes of {@link ConnectTimeoutError}. */
export type ConnectTimeoutCode = 'ETIMEDOUT' | 'ERR_TLS_HANDSHAKE_TIMEOUT';

/**
 * A client connect (TCP connect, plus the TLS handshake for TLS) that did not finish in time.
 * `ETIMEDOUT` for TCP, like the kernel's own; `ERR_TLS_HANDSHAKE_TIMEOUT` for TLS, like Node's
 * server-side code. `timeoutMs` is the limit that ran out; `address` and `port` name the
 * target, so `runMain` can print `cannot connect to 127.0.0.1:8124: timed out`.
 */
export class ConnectTimeoutError extends NetlabError<ConnectTimeoutCode> {
  readonly syscall = 'connect';

  constructor(
    code: ConnectTimeoutCode,
    readonly timeoutMs: number,
    readonly address: string,
    readonly port: number | undefined,
  ) {
    super(
      code,
      `${code === 'ETIMEDOUT' ? 'connect' : 'TLS handshake'} to ${address}${port === undefined ? '' : `:${port}`} timed out after ${timeoutMs} ms`,
    );
  }
}

/** Codes of {@link UnreachableError}. */
export type UnreachableCode = 'ERR_UNREACHABLE';

/** A value that an exhaustive `switch` should never see (see `assertNever`). A bug, not input. */
export class UnreachableError extends NetlabError<UnreachableCode> {}

/**
 * A listen address that is taken: a Unix socket path a live server owns, or a path that is
 * not a socket. Shaped like Node's own listen error (`code`, `syscall`, `address`), so
 * `runMain` reports both the same way. Code `EADDRINUSE`.
 */
export class AddressInUseError extends NetlabError<'EADDRINUSE'> {
  readonly syscall = 'listen';

  constructor(
    readonly address: string,
    why: string,
  ) {
    super('EADDRINUSE', `${address} ${why}`);
  }
}

/** Codes of {@link ConnectionClosedError}. */
export type ConnectionClosedCode = 'ERR_SOCKET_CLOSED';

/**
 * A connection that closed before what was awaited happened (a client socket destroyed while
 * it was still connecting). Code `ERR_SOCKET_CLOSED`, Node's own for a closed socket.
 */
export class ConnectionClosedError extends NetlabError<ConnectionClosedCode> {}
