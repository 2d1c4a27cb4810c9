/**
 * `length` framing (the book's 粘包 fix 3, a length header): a 4-byte unsigned big-endian
 * payload length, then the payload. The seeds used a 2-byte signed `Int16` header, which caps
 * a message at 32 KiB; 4 bytes unsigned allow up to 4 GiB, so the decoder needs a
 * `maxPayload` (default 16 MiB), checked from the header before anything is allocated.
 * Pure, I/O-free.
 *
 * Wire format: `length: uint32 BE | payload: length bytes`.
 */
import { validateInteger } from 'common';
import { LENGTH_HEADER_SIZE } from '../constants.ts';
import { FrameTooLargeError, UnexpectedEofError, type FramingError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { assertNever, ChunkQueue } from 'common/protocol';

export interface LengthPrefixedOptions {
  /** Largest payload in bytes. Default 16 MiB (16 777 216), 0 … 1 GiB. */
  maxPayload?: number;
}

/** The decoder's state machine. */
enum State {
  /** Waiting for the 4-byte length header. */
  Header,
  /** Header read; waiting for `payloadLength` payload bytes. */
  Payload,
}

/** Incremental `length` decoder, one per connection. */
export class LengthPrefixedDecoder {
  /** The configured limit, in bytes. */
  readonly maxPayload: number;
  readonly #queue = new ChunkQueue();
  #state = State.Header;
  #payloadLength = 0;
  #error: FramingError | undefined;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a bad
   *   `maxPayload` (bounds in `LIMITS`).
   */
  constructor(opts: LengthPrefixedOptions = {}) {
    const limit = LIMITS.maxPayload;
    this.maxPayload = validateInteger(opts.maxPayload ?? limit.default, 'maxPayload', limit);
  }

  /** Bytes received and not yet returned as a payload. */
  get buffered(): number {
    return this.#queue.length;
  }

  /**
   * Feeds one chunk and yields every payload it completes. A payload inside one chunk is a
   * view aliasing `chunk`; one spanning chunks is a single copy. Iterate the result to the end.
   *
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when a header declares more than
   *   `maxPayload`, before any payload byte is buffered for it; the decoder is then failed
   *   and drops everything it holds.
   */
  *push(chunk: Buffer): Generator<Buffer, void, undefined> {
    if (this.#error !== undefined) throw this.#error;
    let start = 0;
    if (this.#queue.length === 0 && this.#state === State.Header) {
      // Fast path, nothing buffered: frames wholly inside `chunk` are views, no queue work.
      while (start + LENGTH_HEADER_SIZE <= chunk.length) {
        const length = chunk.readUInt32BE(start);
        if (length > this.maxPayload) this.#tooLarge(length);
        const end = start + LENGTH_HEADER_SIZE + length;
        if (end > chunk.length) break;
        const payload = chunk.subarray(start + LENGTH_HEADER_SIZE, end);
        start = end;
        yield payload;
      }
    }
    this.#queue.push(start === 0 ? chunk : chunk.subarray(start));
    for (;;) {
      switch (this.#state) {
        case State.Header: {
          if (this.#queue.length < LENGTH_HEADER_SIZE) return;
          const length = this.#queue.peekUInt32BE();
          if (length > this.maxPayload) this.#tooLarge(length);
          this.#queue.skip(LENGTH_HEADER_SIZE);
          this.#payloadLength = length;
          this.#state = State.Payload;
          break;
        }
        case State.Payload: {
          if (this.#queue.length < this.#payloadLength) return;
          const payload = this.#queue.consume(this.#payloadLength);
          this.#state = State.Header;
          yield payload;
          break;
        }
        default:
          return assertNever(this.#state, 'decoder state');
      }
    }
  }

  #tooLarge(length: number): never {
    this.#queue.clear();
    this.#error = new FrameTooLargeError(length, this.maxPayload);
    throw this.#error;
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {UnexpectedEofError} `ERR_UNEXPECTED_EOF` when a header or payload was cut
   *   short; `size` counts the frame's bytes received (header included).
   */
  end(): void {
    if (this.#error !== undefined) return;
    const size = this.#queue.length + (this.#state === State.Payload ? LENGTH_HEADER_SIZE : 0);
    this.#queue.clear();
    this.#state = State.Header;
    if (size > 0) throw new UnexpectedEofError(size, 'a length-prefixed frame');
  }
}

/**
 * The 4-byte header for a payload of `length` bytes: write it, then the payload, to frame
 * without copying the payload.
 */
export function lengthPrefixHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(LENGTH_HEADER_SIZE);
  header.writeUInt32BE(length, 0);
  return header;
}

/**
 * Encodes one payload as `uint32 BE length | payload` (one copy; see
 * {@link lengthPrefixHeader} to avoid it).
 *
 * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` above `maxPayload` (default 16 MiB).
 */
export function encodeLengthPrefixed(
  payload: string | Uint8Array,
  opts: LengthPrefixedOptions = {},
): Buffer {
  const maxPayload = opts.maxPayload ?? LIMITS.maxPayload.default;
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (bytes.length > maxPayload) throw new FrameTooLargeError(bytes.length, maxPayload);
  const out = Buffer.allocUnsafe(LENGTH_HEADER_SIZE + bytes.length);
  out.writeUInt32BE(bytes.length, 0);
  out.set(bytes, LENGTH_HEADER_SIZE);
  return out;
}
