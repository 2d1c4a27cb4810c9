/**
 * The receiving half of permessage-deflate (RFC 7692 §7.2.2), one per connection, a
 * {@link ZlibJob} of the process-wide queue: inflates one frame's payload (with the trailer
 * `00 00 ff ff` appended after the last frame of a message), handing every output chunk to its
 * sink as zlib produces it. The sink counts and may refuse (too big): the inflation stops
 * there and the rest of the input is never inflated, so a decompression bomb is cut after at
 * most one output chunk (16 KiB) past the limit.
 *
 * With context takeover the direction keeps its own zlib stream for the connection's life;
 * without, it borrows a pooled stream for one message and returns it reset (`zlib-queue.ts`).
 */
import { constants, createInflateRaw, type InflateRaw } from 'node:zlib';
import { CloseCode, DEFLATE_TRAILER } from '../constants.ts';
import { WsProtocolError } from '../errors.ts';
import {
  ZlibPool,
  zlibQueue,
  zlibWindowBits,
  type DirectionSettings,
  type ZlibJob,
  type ZlibSettings,
} from './zlib-queue.ts';

/** The job a stream works for now (its listeners are shared functions that look it up here). */
const kJob = Symbol('netlab.decompressor');
type OwnedInflate = InflateRaw & { [kJob]: Decompressor | undefined };

function newInflate(settings: ZlibSettings): OwnedInflate {
  const stream = createInflateRaw({
    windowBits: zlibWindowBits(settings.windowBits),
    flush: constants.Z_SYNC_FLUSH,
  }) as OwnedInflate;
  stream[kJob] = undefined;
  stream.on('data', Decompressor.onStreamData);
  stream.on('error', Decompressor.onStreamError);
  return stream;
}

/** Idle decompressors of directions whose peer keeps no context, shared by the whole process. */
const inflatePool = new ZlibPool<OwnedInflate>(newInflate);

/** Idle pooled decompressors (for tests and the benchmark). */
export function pooledDecompressors(): number {
  return inflatePool.idle;
}

/** Receives a {@link Decompressor}'s output. */
export interface DecompressorSink {
  /** One chunk of inflated bytes; may throw a {@link WsProtocolError} (too big) to stop. */
  onInflated(chunk: Buffer): void;
  /** The frame is fully inflated. */
  onDecompressed(): void;
  /** The frame could not be inflated (1007), or the sink refused a chunk (its error). */
  onDecompressFailed(err: WsProtocolError): void;
}

function invalidCompressed(detail: string): WsProtocolError {
  return new WsProtocolError(
    'ERR_WS_INVALID_COMPRESSED',
    CloseCode.InvalidPayload,
    `compressed message does not inflate: ${detail}`,
  );
}

/** The receiving direction of one connection: one frame's payload at a time. */
export class Decompressor implements ZlibJob {
  static onStreamData(this: OwnedInflate, chunk: Buffer): void {
    const job = this[kJob];
    if (job !== undefined) job.#onData(chunk);
  }

  static onStreamError(this: OwnedInflate, err: Error): void {
    const job = this[kJob];
    if (job !== undefined) job.#fail(invalidCompressed(err.message));
  }

  nextJob: ZlibJob | undefined;
  readonly #settings: DirectionSettings;
  readonly #poolKey: string;
  readonly #sink: DecompressorSink;
  readonly #written = (err?: Error | null): void => this.#onWritten(err);
  #stream: OwnedInflate | undefined;
  #input: Buffer | undefined;
  #fin = false;
  #busy = false;
  #closed = false;
  /** `stream.bytesWritten` (input zlib consumed) before this write, and the input's length. */
  #consumedBefore = 0;
  #inputLength = 0;
  /** After the DEFLATE stream ended: 1 + the message bytes that followed its end (see below). */
  #afterEnd = 0;

  constructor(settings: DirectionSettings, sink: DecompressorSink) {
    this.#settings = settings;
    this.#poolKey = ZlibPool.key(settings);
    this.#sink = sink;
  }

  /** Inflates one frame's payload; `fin`: the last frame of the message (the trailer is added). */
  decompress(payload: Buffer, fin: boolean): void {
    this.#input = fin ? Buffer.concat([payload, DEFLATE_TRAILER]) : payload;
    this.#fin = fin;
    this.#busy = true;
    zlibQueue.enqueue(this);
  }

  /** The connection is gone (or failed): stop, and give the stream back or close it. */
  close(): void {
    this.#closed = true;
    if (!this.#busy) this.#dropStream(false);
  }

  run(): void {
    if (this.#closed) {
      this.#busy = false;
      this.#dropStream(true);
      zlibQueue.done();
      return;
    }
    const stream = (this.#stream ??= inflatePool.take(this.#poolKey, this.#settings));
    stream[kJob] = this;
    const input = this.#input!;
    this.#input = undefined;
    this.#consumedBefore = stream.bytesWritten;
    this.#inputLength = input.length;
    stream.write(input, this.#written);
  }

  #onData(chunk: Buffer): void {
    if (!this.#busy || this.#closed) return;
    try {
      this.#sink.onInflated(chunk);
    } catch (err) {
      if (!(err instanceof WsProtocolError)) throw err;
      // Stop inflating at once: the rest of the input is never processed.
      this.#fail(err);
    }
  }

  #onWritten(err: Error | null | undefined): void {
    if (!this.#busy) return;
    if (err) {
      this.#fail(invalidCompressed(err.message));
      return;
    }
    const stream = this.#stream!;
    const unconsumed = this.#inputLength - (stream.bytesWritten - this.#consumedBefore);
    // zlib stops consuming input at the end of a DEFLATE stream (a block with BFINAL set, RFC
    // 7692 §7.2.3.4): what follows in the message is not inflated. Allowed: the trailer we
    // appended and one octet (the §7.2.3.4 example ends its final block with `00`, an empty
    // block header and padding). More is garbage. The stream cannot be used again (its
    // readable side has ended): the next message starts with a fresh one, as in `ws`.
    const ended = unconsumed > 0 || this.#afterEnd > 0;
    if (ended) {
      this.#afterEnd += unconsumed - (this.#fin ? DEFLATE_TRAILER.length : 0) + 1;
      if (this.#afterEnd > 2) {
        this.#fail(invalidCompressed('data after the final block'));
        return;
      }
    }
    if (this.#fin) this.#afterEnd = 0;
    if (this.#closed || (this.#fin && (ended || this.#settings.noContextTakeover)))
      this.#dropStream(ended || this.#closed);
    this.#busy = false;
    zlibQueue.done();
    if (!this.#closed) this.#sink.onDecompressed();
  }

  #fail(err: WsProtocolError): void {
    if (!this.#busy) return;
    this.#busy = false;
    this.#afterEnd = 0;
    this.#dropStream(true);
    zlibQueue.done();
    if (!this.#closed) this.#sink.onDecompressFailed(err);
  }

  /** `discard`: the stream's state is unusable (failed, ended, stopped mid-message): close it. */
  #dropStream(discard: boolean): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    this.#stream = undefined;
    stream[kJob] = undefined;
    inflatePool.give(stream, this.#poolKey, this.#settings, discard);
  }
}
