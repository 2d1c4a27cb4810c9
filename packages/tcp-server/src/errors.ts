/**
 * tcp-server's errors. Bad options are common's `InvalidArgumentError` (Node's codes
 * `ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE`, `ERR_INVALID_ARG_VALUE`, naming the option); a
 * client connect timeout is common's `ConnectTimeoutError` (`ETIMEDOUT`).
 */
import { NetlabError } from 'common';

/**
 * Codes of {@link FramingError}:
 * - `ERR_MESSAGE_TOO_LONG`: a message over `maxMessage` (`line`) or `frameSize` (`fixed`);
 * - `ERR_FRAME_TOO_LARGE`: a `length` header (or an encoded payload) over `maxPayload`;
 * - `ERR_UNEXPECTED_EOF`: the stream ended inside a message;
 * - `ERR_INVALID_MESSAGE`: a message the `line` encoder cannot frame.
 */
export type FramingErrorCode =
  'ERR_MESSAGE_TOO_LONG' | 'ERR_FRAME_TOO_LARGE' | 'ERR_UNEXPECTED_EOF' | 'ERR_INVALID_MESSAGE';

/**
 * Base of every framing error raised by the decoders and encoders in `src/protocol/`, with a
 * {@link FramingErrorCode}; each subclass has exactly one code. The server maps the code to
 * its reaction (an `ERR <code> …` line in `line` mode, then close).
 */
export class FramingError<C extends FramingErrorCode = FramingErrorCode> extends NetlabError<C> {}

/**
 * A `line` message longer than `maxMessage` (terminator not counted), raised as soon as the
 * limit is crossed, even before the newline arrived. Also thrown by encoders for a message
 * over the limit. Code `ERR_MESSAGE_TOO_LONG`.
 */
export class MessageTooLongError extends FramingError<'ERR_MESSAGE_TOO_LONG'> {
  /** The limit that was crossed, in bytes. */
  readonly limit: number;

  constructor(limit: number, message = `message longer than ${limit} bytes`) {
    super('ERR_MESSAGE_TOO_LONG', message);
    this.limit = limit;
  }
}

/**
 * A `length` header that declares more than `maxPayload` bytes. Raised from the 4-byte
 * header, before any of the payload is buffered or allocated. Code `ERR_FRAME_TOO_LARGE`.
 */
export class FrameTooLargeError extends FramingError<'ERR_FRAME_TOO_LARGE'> {
  /** The payload length the header declared, in bytes. */
  readonly declared: number;
  /** The configured `maxPayload`, in bytes. */
  readonly limit: number;

  constructor(declared: number, limit: number) {
    super('ERR_FRAME_TOO_LARGE', `frame declares ${declared} bytes, more than maxPayload ${limit}`);
    this.declared = declared;
    this.limit = limit;
  }
}

/**
 * The stream ended inside a message: a line without its newline, a `length` frame cut short,
 * a partial `fixed` record. Code `ERR_UNEXPECTED_EOF`.
 */
export class UnexpectedEofError extends FramingError<'ERR_UNEXPECTED_EOF'> {
  /** How many bytes of the unfinished message had arrived. */
  readonly size: number;

  constructor(size: number, what: string) {
    super('ERR_UNEXPECTED_EOF', `stream ended inside ${what} (${size} bytes left over)`);
    this.size = size;
  }
}

/**
 * A message an encoder cannot frame: a `line` message containing `\n` (or ending in `\r`,
 * which the decoder would strip). Code `ERR_INVALID_MESSAGE`.
 */
export class InvalidMessageError extends FramingError<'ERR_INVALID_MESSAGE'> {
  constructor(message: string) {
    super('ERR_INVALID_MESSAGE', message);
  }
}

/** Codes of {@link ConnectionClosedError}. */
export type ConnectionClosedCode = 'ERR_CONNECTION_CLOSED';

/**
 * The client's connection closed before the server ended it (closed locally with `close()`,
 * or torn down without the server's FIN), while replies were still expected in a framed mode.
 * Code `ERR_CONNECTION_CLOSED`.
 */
export class ConnectionClosedError extends NetlabError<ConnectionClosedCode> {
  constructor() {
    super('ERR_CONNECTION_CLOSED', 'connection closed before the server ended it');
  }
}
