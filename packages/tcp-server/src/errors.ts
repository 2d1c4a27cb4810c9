import { NetlabError } from 'common';

/**
 * Base of every framing error raised by the decoders and encoders in `src/protocol/`.
 * `code` is stable (`ERR_*`); the server maps it to its reaction (an `ERR …` line in `line`
 * mode, then close).
 */
export class FramingError extends NetlabError {}

/**
 * A `line` message longer than `maxMessage` (terminator not counted), raised as soon as the
 * limit is crossed, even before the newline arrived. Also thrown by encoders for a message
 * over the limit. Code `ERR_MESSAGE_TOO_LONG`.
 */
export class MessageTooLongError extends FramingError {
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
export class FrameTooLargeError extends FramingError {
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
export class UnexpectedEofError extends FramingError {
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
export class InvalidMessageError extends FramingError {
  constructor(message: string) {
    super('ERR_INVALID_MESSAGE', message);
  }
}

/** An option outside its range (`maxMessage: 0`, `frameSize: 1.5` …). Code `ERR_INVALID_ARG_VALUE`. */
export class InvalidOptionError extends NetlabError {
  constructor(message: string) {
    super('ERR_INVALID_ARG_VALUE', message);
  }
}

/**
 * Checks that `value` is an integer in `[min, max]` and returns it.
 *
 * @throws {InvalidOptionError} `ERR_INVALID_ARG_VALUE`, naming `name`.
 */
export function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(
      `${name} must be an integer between ${min} and ${max} (got ${value})`,
    );
  }
  return value;
}
