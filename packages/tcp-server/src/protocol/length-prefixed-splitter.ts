/**
 * `length` framing, split without decoding: the stream is cut at frame boundaries and handed
 * on as the bytes that came in (header and payload together), never assembled into payloads.
 * What a relay or an echo needs: the echo of a `length` frame is the same bytes, so the server
 * forwards whole frames as views of the chunks it read, with no allocation and no copy per
 * frame, and writes the frames of a chunk with one `write()`. Pure, I/O-free.
 *
 * It keeps every promise of {@link LengthPrefixedDecoder}: the header is checked against
 * `maxPayload` before any payload byte is held; a frame is released only once it is complete
 * (a consumer never sees part of one); a frame cut short by the end of the stream is
 * `ERR_UNEXPECTED_EOF`; state is per instance.
 */
import { validateInteger } from 'common';
import { COALESCE_BELOW, LENGTH_HEADER_SIZE } from '../constants.ts';
import { FrameTooLargeError, UnexpectedEofError, type FramingError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { assertNever } from 'common/protocol';
import type { LengthPrefixedOptions } from './length-prefixed.ts';

/** The splitter's state machine (the decoder's, without the payload assembly). */
enum State {
  /** Reading the 4-byte length header (possibly split across chunks). */
  Header,
  /** Header checked; `#remaining` payload bytes still to come. */
  Payload,
}

/** Incremental `length` splitter, one per connection. */
export class LengthPrefixedSplitter {
  /** The configured limit, in bytes. */
  readonly maxPayload: number;
  /**
   * The frame in progress (header bytes included), oldest first: views of the pushed chunks
   * and coalesced blocks in `#held`, then the latest small pieces in `#small`.
   */
  #held: Buffer[] = [];
  #small: Buffer[] = [];
  /** Bytes in `#held` and `#small` together, and in `#small` alone. */
  #heldBytes = 0;
  #smallBytes = 0;
  #state = State.Header;
  /** Header bytes seen so far (0–3) and the big-endian value they make. */
  #headerBytes = 0;
  #headerValue = 0;
  #remaining = 0;
  #error: FramingError | undefined;

  /**
   * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a bad
   *   `maxPayload` (bounds in `LIMITS`).
   */
  constructor(opts: LengthPrefixedOptions = {}) {
    const limit = LIMITS.maxPayload;
    this.maxPayload = validateInteger(opts.maxPayload ?? limit.default, 'maxPayload', limit);
  }

  /** Bytes of the unfinished frame held, header included (at most `maxPayload + 4`). */
  get buffered(): number {
    return this.#heldBytes;
  }

  /**
   * Feeds one chunk and yields the bytes of every frame it completes, in order: first the held
   * part of a frame that began in earlier chunks, then one view of `chunk` covering all the
   * frames that end inside it. Concatenated, the yields are exactly the stream up to the last
   * complete frame. The yields are views aliasing `chunk` or earlier chunks (the splitter never
   * writes to them), except that a frame which arrived in pieces under {@link COALESCE_BELOW}
   * bytes comes partly as 1 KiB copies of them. Iterate the result to the end.
   *
   * @throws {FrameTooLargeError} `ERR_FRAME_TOO_LARGE` when a header declares more than
   *   `maxPayload`, after yielding the frames before it; the splitter is then failed and drops
   *   what it holds.
   */
  *push(chunk: Buffer): Generator<Buffer, void, undefined> {
    if (this.#error !== undefined) throw this.#error;
    const released = this.#heldBytes > 0;
    const done = this.#scan(chunk);
    if (done > 0) {
      if (released) {
        const held = this.#held;
        const small = this.#small;
        this.#clear();
        // The big pieces first: the small ones are always the latest.
        for (const piece of held) yield piece;
        for (const piece of small) yield piece;
      }
      yield done === chunk.length ? chunk : chunk.subarray(0, done);
    }
    if (this.#error !== undefined) {
      this.#clear();
      throw this.#error;
    }
    if (done < chunk.length) this.#hold(done === 0 ? chunk : chunk.subarray(done));
  }

  /**
   * Runs the state machine over `chunk` and returns where the last frame completed in it ends
   * (0: none did). An oversized header stops the scan and fails the splitter (`#error`).
   */
  #scan(chunk: Buffer): number {
    const size = chunk.length;
    let pos = 0;
    let done = 0;
    for (;;) {
      switch (this.#state) {
        case State.Header: {
          let length: number;
          if (this.#headerBytes === 0 && pos + LENGTH_HEADER_SIZE <= size) {
            length = chunk.readUInt32BE(pos);
            pos += LENGTH_HEADER_SIZE;
          } else {
            while (this.#headerBytes < LENGTH_HEADER_SIZE && pos < size) {
              this.#headerValue = this.#headerValue * 256 + chunk[pos]!;
              this.#headerBytes += 1;
              pos += 1;
            }
            if (this.#headerBytes < LENGTH_HEADER_SIZE) return done;
            length = this.#headerValue;
            this.#headerBytes = 0;
            this.#headerValue = 0;
          }
          if (length > this.maxPayload) {
            this.#error = new FrameTooLargeError(length, this.maxPayload);
            return done;
          }
          this.#remaining = length;
          this.#state = State.Payload;
          break;
        }
        case State.Payload: {
          if (size - pos < this.#remaining) {
            this.#remaining -= size - pos;
            return done;
          }
          pos += this.#remaining;
          this.#remaining = 0;
          this.#state = State.Header;
          done = pos;
          if (pos === size) return done;
          break;
        }
        default:
          return assertNever(this.#state, 'splitter state');
      }
    }
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {UnexpectedEofError} `ERR_UNEXPECTED_EOF` when a header or payload was cut
   *   short; `size` counts the frame's bytes received (header included).
   */
  end(): void {
    if (this.#error !== undefined) return;
    const size = this.#heldBytes;
    this.#clear();
    this.#state = State.Header;
    this.#headerBytes = 0;
    this.#headerValue = 0;
    this.#remaining = 0;
    if (size > 0) throw new UnexpectedEofError(size, 'a length-prefixed frame');
  }

  /**
   * Holds `piece` as a view, or, under {@link COALESCE_BELOW} bytes, in the list of small
   * pieces, which is copied into one buffer once it reaches that size: a frame that arrives a
   * byte at a time is held in dense 1 KiB blocks, not as millions of views (common's
   * ChunkQueue, which every decoder uses, coalesces tiny reads the same way).
   */
  #hold(piece: Buffer): void {
    this.#heldBytes += piece.length;
    if (piece.length < COALESCE_BELOW) {
      this.#small.push(piece);
      this.#smallBytes += piece.length;
      if (this.#smallBytes >= COALESCE_BELOW) this.#coalesce();
      return;
    }
    this.#coalesce();
    this.#held.push(piece);
  }

  #coalesce(): void {
    if (this.#small.length === 0) return;
    this.#held.push(Buffer.concat(this.#small, this.#smallBytes));
    this.#small = [];
    this.#smallBytes = 0;
  }

  #clear(): void {
    this.#held = [];
    this.#small = [];
    this.#heldBytes = 0;
    this.#smallBytes = 0;
  }
}
