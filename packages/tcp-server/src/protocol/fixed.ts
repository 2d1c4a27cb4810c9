/**
 * `fixed` framing (the book's 粘包 fix 1, fixed-size records): every message is exactly
 * `frameSize` bytes (default 128). No header, no delimiter to escape, but short messages are
 * padded (wasted bytes) and long ones do not fit. Pure, I/O-free.
 *
 * Wire format: `record: frameSize bytes`, repeated. The encoder pads with NUL (0x00).
 */
import { validateInteger } from 'common';
import { FIXED_PADDING } from '../constants.ts';
import { MessageTooLongError, UnexpectedEofError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { ChunkQueue } from 'common/protocol';

export interface FixedOptions {
  /** Record size in bytes. Default 128, 1 … 1 GiB. */
  frameSize?: number;
}

/** Incremental `fixed` decoder, one per connection. */
export class FixedDecoder {
  /** The configured record size, in bytes. */
  readonly frameSize: number;
  readonly #queue = new ChunkQueue();

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a bad
   *   `frameSize` (bounds in `LIMITS`).
   */
  constructor(opts: FixedOptions = {}) {
    const limit = LIMITS.frameSize;
    this.frameSize = validateInteger(opts.frameSize ?? limit.default, 'frameSize', limit);
  }

  /** Bytes of the unfinished record (always less than `frameSize`). */
  get buffered(): number {
    return this.#queue.length;
  }

  /**
   * Feeds one chunk and yields every record it completes (a view aliasing `chunk` when the
   * record lies inside it, else one copy). Iterate the result to the end. Never throws.
   */
  *push(chunk: Buffer): Generator<Buffer, void, undefined> {
    this.#queue.push(chunk);
    while (this.#queue.length >= this.frameSize) yield this.#queue.consume(this.frameSize);
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {UnexpectedEofError} `ERR_UNEXPECTED_EOF` when a partial record is left over;
   *   `size` is its length in bytes (it is dropped, never returned).
   */
  end(): void {
    const size = this.#queue.length;
    this.#queue.clear();
    if (size > 0) throw new UnexpectedEofError(size, `a ${this.frameSize}-byte record`);
  }
}

/**
 * Encodes one message as a `frameSize`-byte record, padded with NUL bytes (returned as is,
 * without a copy, when it is a Buffer of exactly `frameSize` bytes).
 *
 * @throws {MessageTooLongError} `ERR_MESSAGE_TOO_LONG` when `message` exceeds `frameSize`.
 */
export function encodeFixed(message: string | Uint8Array, opts: FixedOptions = {}): Buffer {
  const frameSize = opts.frameSize ?? LIMITS.frameSize.default;
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  if (bytes.length > frameSize) {
    throw new MessageTooLongError(
      frameSize,
      `message of ${bytes.length} bytes does not fit a ${frameSize}-byte record`,
    );
  }
  if (bytes.length === frameSize && Buffer.isBuffer(bytes)) return bytes;
  const out = Buffer.alloc(frameSize, FIXED_PADDING);
  out.set(bytes, 0);
  return out;
}

/** Removes the NUL padding {@link encodeFixed} added (for display: a record may end in NULs). */
export function stripFixedPadding(record: Buffer): Buffer {
  let end = record.length;
  while (end > 0 && record[end - 1] === FIXED_PADDING) end -= 1;
  return record.subarray(0, end);
}
