/**
 * `line` framing (the book's 粘包 fix 2, a delimiter): each message ends with `\n`; a `\r`
 * right before it is stripped, so `nc`, `telnet` and CRLF clients all work. Pure, I/O-free.
 *
 * Wire format: `message LF`, where `message` is any bytes except LF, at most `maxMessage`
 * bytes (default 64 KiB, the terminator and a stripped CR not counted).
 */
import { validateInteger } from 'common';
import { CR, LF } from '../constants.ts';
import {
  InvalidMessageError,
  MessageTooLongError,
  UnexpectedEofError,
  type FramingError,
} from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { ChunkQueue } from 'common/protocol';

export interface LineOptions {
  /** Longest message in bytes, terminator not counted. Default 64 KiB (65 536), 1 … 1 GiB. */
  maxMessage?: number;
}

/**
 * Incremental `line` decoder, one per connection (state lives in the instance, never in a
 * module variable shared by every connection, the seeds' `rest` bug).
 */
export class LineDecoder {
  /** The configured limit, in bytes. */
  readonly maxMessage: number;
  /** Bytes of the current line, its `\n` not seen yet. */
  readonly #pending = new ChunkQueue();
  #error: FramingError | undefined;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a bad
   *   `maxMessage` (bounds in `LIMITS`).
   */
  constructor(opts: LineOptions = {}) {
    const limit = LIMITS.maxMessage;
    this.maxMessage = validateInteger(opts.maxMessage ?? limit.default, 'maxMessage', limit);
  }

  /** Bytes buffered for the unfinished line (never more than `maxMessage + 1`). */
  get buffered(): number {
    return this.#pending.length;
  }

  /**
   * Feeds one chunk and yields every line it completes, without its `\n` (and `\r`). A line
   * inside one chunk is a view aliasing `chunk`; one spanning chunks is a single copy.
   * Iterate the result to the end (`for…of`, spread): the chunk is consumed as you iterate.
   *
   * @throws {MessageTooLongError} `ERR_MESSAGE_TOO_LONG` as soon as the current line exceeds
   *   `maxMessage`, after the lines before it were yielded. The decoder is then failed: every
   *   later call throws the same error and nothing more is buffered.
   */
  *push(chunk: Buffer): Generator<Buffer, void, undefined> {
    if (this.#error !== undefined) throw this.#error;
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        const rest = chunk.subarray(start);
        this.#checkUnfinished(this.#pending.length + rest.length, rest[rest.length - 1]!);
        this.#pending.push(rest);
        return;
      }
      const piece = chunk.subarray(start, lf);
      start = lf + 1;
      const total = this.#pending.length + piece.length;
      const last = piece.length > 0 ? piece[piece.length - 1]! : this.#pending.lastByte();
      const size = last === CR ? total - 1 : total;
      if (size > this.maxMessage) this.#fail();
      let line = piece;
      if (this.#pending.length > 0) {
        this.#pending.push(piece);
        line = this.#pending.consume(total);
      }
      yield size === total ? line : line.subarray(0, size);
    }
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {UnexpectedEofError} `ERR_UNEXPECTED_EOF` (with `size`) when an unterminated line
   *   is left over.
   */
  end(): void {
    if (this.#error !== undefined) return;
    if (this.#pending.length > 0) {
      const size = this.#pending.length;
      this.#pending.clear();
      throw new UnexpectedEofError(size, 'a line (no terminating \\n)');
    }
  }

  /** An unterminated line of `size` bytes ending in `last` may still be valid if a CR LF follows. */
  #checkUnfinished(size: number, last: number): void {
    if (size > this.maxMessage + 1 || (size === this.maxMessage + 1 && last !== CR)) this.#fail();
  }

  #fail(): never {
    this.#pending.clear();
    this.#error = new MessageTooLongError(
      this.maxMessage,
      `line longer than maxMessage (${this.maxMessage} bytes)`,
    );
    throw this.#error;
  }
}

/**
 * Encodes one message as `message LF` (one copy).
 *
 * @throws {InvalidMessageError} `ERR_INVALID_MESSAGE` if `message` contains `\n` or ends with
 *   `\r` (neither would survive decoding: the delimiter needs escaping, which this framing
 *   does not do).
 * @throws {MessageTooLongError} `ERR_MESSAGE_TOO_LONG` above `maxMessage` (default 64 KiB).
 */
export function encodeLine(message: string | Uint8Array, opts: LineOptions = {}): Buffer {
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  checkLineMessage(bytes, opts);
  const out = Buffer.allocUnsafe(bytes.length + 1);
  out.set(bytes, 0);
  out[bytes.length] = LF;
  return out;
}

/** The terminator alone, for writing `message` and then this without copying the message. */
export const LINE_TERMINATOR: Readonly<Buffer> = Buffer.from([LF]);

/**
 * The checks of {@link encodeLine} without its copy: write `bytes`, then
 * {@link LINE_TERMINATOR}.
 *
 * @throws {InvalidMessageError} `ERR_INVALID_MESSAGE`; {@link MessageTooLongError} `ERR_MESSAGE_TOO_LONG`.
 */
export function checkLineMessage(bytes: Uint8Array, opts: LineOptions = {}): void {
  const maxMessage = opts.maxMessage ?? LIMITS.maxMessage.default;
  if (bytes.length > maxMessage) throw new MessageTooLongError(maxMessage);
  if (bytes.indexOf(LF) !== -1)
    throw new InvalidMessageError('a line message must not contain \\n');
  if (bytes.length > 0 && bytes[bytes.length - 1] === CR) {
    throw new InvalidMessageError('a line message must not end with \\r (the decoder strips it)');
  }
}
