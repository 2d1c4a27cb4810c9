/**
 * Stream adapters around the pure codecs in `src/protocol/`: a `Transform` from bytes to
 * decoded messages (objectMode readable side) and one from messages back to framed bytes.
 * Used by the server (socket → decode → encode → socket) and by the client.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { COPY_THRESHOLD } from './constants.ts';
import { FrameTooLargeError } from './errors.ts';
import { LIMITS } from './limits.ts';
import { FixedDecoder, encodeFixed } from './protocol/fixed.ts';
import {
  encodeLengthPrefixed,
  LengthPrefixedDecoder,
  lengthPrefixHeader,
} from './protocol/length-prefixed.ts';
import { checkLineMessage, encodeLine, LineDecoder, LINE_TERMINATOR } from './protocol/line.ts';
import type { FixedOptions } from './protocol/fixed.ts';
import type { LengthPrefixedOptions } from './protocol/length-prefixed.ts';
import type { LineOptions } from './protocol/line.ts';
import { assertNever } from 'common/protocol';

/** A framing with a codec (the server's `echo` mode has none: bytes are piped back). */
export type CodecFraming = 'line' | 'length' | 'fixed';

/** Every limit of every codec; each framing reads the ones it has. */
export type CodecOptions = LineOptions & LengthPrefixedOptions & FixedOptions;

/** What the stream adapters need from a decoder. */
export interface Decoder {
  /** Yields the messages `chunk` completes; throws a `FramingError` (see each decoder). */
  push(chunk: Buffer): Iterable<Buffer>;
  /** Throws `ERR_UNEXPECTED_EOF` when a partial message is left over. */
  end(): void;
}

/** A new decoder for `framing` (state per instance: one per connection). */
export function createDecoder(framing: CodecFraming, opts: CodecOptions = {}): Decoder {
  switch (framing) {
    case 'line':
      return new LineDecoder(opts);
    case 'length':
      return new LengthPrefixedDecoder(opts);
    case 'fixed':
      return new FixedDecoder(opts);
    default:
      return assertNever(framing, 'framing');
  }
}

/**
 * An encoder for `framing`: one message → the buffers to write, in order. Messages under
 * {@link COPY_THRESHOLD} are copied with their framing into one buffer (one write); larger
 * `line` and `length` messages are returned as is, next to their terminator or header (no copy).
 */
export function createEncoder(
  framing: CodecFraming,
  opts: CodecOptions = {},
): (message: Buffer) => Buffer[] {
  switch (framing) {
    case 'line':
      return (message) => {
        if (message.length < COPY_THRESHOLD) return [encodeLine(message, opts)];
        checkLineMessage(message, opts);
        return [message, LINE_TERMINATOR as Buffer];
      };
    case 'length':
      return (message) => {
        if (message.length < COPY_THRESHOLD) return [encodeLengthPrefixed(message, opts)];
        // The check of encodeLengthPrefixed, without its copy of the payload.
        const maxPayload = opts.maxPayload ?? LIMITS.maxPayload.default;
        if (message.length > maxPayload) throw new FrameTooLargeError(message.length, maxPayload);
        return [lengthPrefixHeader(message.length), message];
      };
    case 'fixed':
      return (message) => [encodeFixed(message, opts)];
    default:
      return assertNever(framing, 'framing');
  }
}

/**
 * Bytes in, decoded messages out (`readableObjectMode`). A decoder error destroys the stream
 * with that error (`err.code` is `ERR_MESSAGE_TOO_LONG`, `ERR_FRAME_TOO_LARGE`,
 * `ERR_UNEXPECTED_EOF` …), after the messages before it were pushed. Backpressure: the
 * callback of a chunk is held while the readable side is full (standard `Transform`).
 */
export class DecodeStream extends Transform {
  readonly #decoder: Decoder;

  /** `highWaterMark`: decoded messages buffered on the readable side before backpressure (default 16). */
  constructor(decoder: Decoder, opts: { highWaterMark?: number } = {}) {
    super({ readableObjectMode: true, readableHighWaterMark: opts.highWaterMark ?? 16 });
    this.#decoder = decoder;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      for (const message of this.#decoder.push(chunk)) this.push(message);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#decoder.end();
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback();
  }
}

/** Messages in (`writableObjectMode`, Buffers), framed bytes out. */
export class EncodeStream extends Transform {
  readonly #encode: (message: Buffer) => Buffer[];

  /** `highWaterMark`: messages buffered on the writable side before `write()` returns false (default 16). */
  constructor(encode: (message: Buffer) => Buffer[], opts: { highWaterMark?: number } = {}) {
    super({ writableObjectMode: true, writableHighWaterMark: opts.highWaterMark ?? 16 });
    this.#encode = encode;
  }

  override _transform(
    message: Buffer,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    let buffers: Buffer[];
    try {
      buffers = this.#encode(message);
    } catch (err) {
      callback(err as Error);
      return;
    }
    for (const buffer of buffers) this.push(buffer);
    callback();
  }
}

/**
 * How many messages a stream stage may buffer so that a stage holds about `budget` bytes at
 * most when every message has the framing's largest size: 16 small lines, but a single
 * 16 MiB `length` frame (objectMode high-water marks count messages, not bytes).
 */
export function messageHighWaterMark(
  framing: CodecFraming,
  opts: CodecOptions,
  budget: number,
): number {
  const largest =
    framing === 'line'
      ? (opts.maxMessage ?? LIMITS.maxMessage.default)
      : framing === 'length'
        ? (opts.maxPayload ?? LIMITS.maxPayload.default)
        : (opts.frameSize ?? LIMITS.frameSize.default);
  return Math.max(1, Math.min(16, Math.floor(budget / Math.max(1, largest))));
}
