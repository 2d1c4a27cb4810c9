/**
 * The two zlib operations of permessage-deflate (RFC 7692 §7.2), one object per direction of a
 * connection, each a {@link ZlibJob} of the process-wide queue:
 *
 * - {@link Compressor}: deflates one frame's payload with `Z_SYNC_FLUSH` and, for the last frame
 *   of a message, drops the 4-byte trailer `00 00 ff ff` the flush ends with (§7.2.1);
 * - {@link Decompressor}: inflates one frame's payload (with the trailer appended after the last
 *   frame, §7.2.2), handing every output chunk to its sink as zlib produces it: the sink counts
 *   and may refuse (too big), and the inflation stops there, with the rest of the input never
 *   inflated (a decompression bomb is cut after at most one output chunk, 16 KiB, past the limit).
 *
 * A direction with context takeover keeps its own zlib stream for the connection's life; one
 * without borrows a pooled stream for one message and returns it reset (`zlib-queue.ts`).
 * Every write is flushed with `Z_SYNC_FLUSH` (the stream's default flush flag), so one frame is
 * one zlib call: `ws` writes, then flushes, two calls per frame.
 */
import {
  constants,
  createDeflateRaw,
  createInflateRaw,
  type DeflateRaw,
  type InflateRaw,
} from 'node:zlib';
import { CloseCode, DEFLATE_TRAILER } from '../constants.ts';
import { WsProtocolError } from '../errors.ts';
import {
  ZlibPool,
  zlibQueue,
  zlibWindowBits,
  type ZlibJob,
  type ZlibSettings,
} from './zlib-queue.ts';

/** The job a stream works for now (its listeners are shared functions that look it up here). */
const kJob = Symbol('netlab.zlibJob');
type OwnedDeflate = DeflateRaw & { [kJob]: Compressor | undefined };
type OwnedInflate = InflateRaw & { [kJob]: Decompressor | undefined };

function newDeflate(settings: ZlibSettings): OwnedDeflate {
  const stream = createDeflateRaw({
    windowBits: zlibWindowBits(settings.windowBits),
    level: settings.level,
    memLevel: settings.memLevel,
    flush: constants.Z_SYNC_FLUSH,
  }) as OwnedDeflate;
  stream[kJob] = undefined;
  stream.on('data', Compressor.onStreamData);
  stream.on('error', Compressor.onStreamError);
  return stream;
}

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

/** Idle compressors of directions without context takeover, shared by the whole process. */
const deflatePool = new ZlibPool<OwnedDeflate>(newDeflate);
/** Idle decompressors, likewise. */
const inflatePool = new ZlibPool<OwnedInflate>(newInflate);

/** Idle pooled streams (compressors, decompressors): for tests and the benchmark. */
export function pooledStreams(): { compressors: number; decompressors: number } {
  return { compressors: deflatePool.idle, decompressors: inflatePool.idle };
}

/** What a direction compresses or inflates with. */
export interface DirectionSettings extends ZlibSettings {
  /** Start every message from an empty window (and use a pooled stream). */
  readonly noContextTakeover: boolean;
}

/** Receives a {@link Compressor}'s results, in the order of the calls. */
export interface CompressorSink {
  /** The payload of one frame (for the last frame of a message, without the trailer). */
  onCompressed(payload: Buffer): void;
  /** zlib failed (`ERR_WS_DEFLATE_FAILED`, 1011): the connection cannot continue. */
  onCompressFailed(err: WsProtocolError): void;
}

/** The sending direction of one connection: one frame's payload at a time. */
export class Compressor implements ZlibJob {
  /** A stream's `data` listener (`this` is the stream). */
  static onStreamData(this: OwnedDeflate, chunk: Buffer): void {
    const job = this[kJob];
    if (job !== undefined) job.#onData(chunk);
  }

  /** A stream's `error` listener: the stream is destroyed; the job fails. */
  static onStreamError(this: OwnedDeflate, err: Error): void {
    const job = this[kJob];
    if (job !== undefined) job.#fail(err);
  }

  nextJob: ZlibJob | undefined;
  readonly #settings: DirectionSettings;
  readonly #poolKey: string;
  readonly #sink: CompressorSink;
  readonly #written = (err?: Error | null): void => this.#onWritten(err);
  #stream: OwnedDeflate | undefined;
  #input: Buffer | string | undefined;
  #fin = false;
  #busy = false;
  #closed = false;
  #chunks: Buffer[] = [];
  #length = 0;

  constructor(settings: DirectionSettings, sink: CompressorSink) {
    this.#settings = settings;
    this.#poolKey = ZlibPool.key(settings);
    this.#sink = sink;
  }

  /** True while a frame is being compressed (the caller waits for its result). */
  get busy(): boolean {
    return this.#busy;
  }

  /** Compresses one frame's payload; `fin` ends the message. One call at a time. */
  compress(input: Buffer | string, fin: boolean): void {
    this.#input = input;
    this.#fin = fin;
    this.#busy = true;
    zlibQueue.enqueue(this);
  }

  /** The connection is gone: give the stream back (or close it) once no call is running. */
  close(): void {
    this.#closed = true;
    if (!this.#busy) this.#dropStream();
  }

  run(): void {
    if (this.#closed) {
      this.#busy = false;
      this.#dropStream();
      zlibQueue.done();
      return;
    }
    const stream = (this.#stream ??= this.#settings.noContextTakeover
      ? deflatePool.acquire(this.#poolKey, this.#settings)
      : newDeflate(this.#settings));
    stream[kJob] = this;
    const input = this.#input!;
    this.#input = undefined;
    stream.write(input, this.#written);
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  #onWritten(err: Error | null | undefined): void {
    if (!this.#busy) return;
    if (err) {
      this.#fail(err);
      return;
    }
    const chunks = this.#chunks;
    let out = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#length);
    this.#chunks = [];
    this.#length = 0;
    const fin = this.#fin;
    // Z_SYNC_FLUSH ends with an empty stored block, 00 00 ff ff: the receiver adds it back.
    if (fin) out = out.subarray(0, out.length - DEFLATE_TRAILER.length);
    if (this.#closed || (fin && this.#settings.noContextTakeover)) this.#dropStream();
    this.#busy = false;
    zlibQueue.done();
    if (!this.#closed) this.#sink.onCompressed(out);
  }

  #fail(err: Error): void {
    if (!this.#busy) return;
    this.#busy = false;
    this.#stream?.destroy();
    this.#stream = undefined;
    this.#chunks = [];
    this.#length = 0;
    zlibQueue.done();
    if (!this.#closed) {
      this.#sink.onCompressFailed(
        new WsProtocolError(
          'ERR_WS_DEFLATE_FAILED',
          CloseCode.InternalError,
          `compressing a message failed: ${err.message}`,
        ),
      );
    }
  }

  /** Ends the stream's work for this connection: pooled streams go back, own ones close. */
  #dropStream(): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    this.#stream = undefined;
    stream[kJob] = undefined;
    if (this.#settings.noContextTakeover) deflatePool.release(stream, this.#poolKey);
    else stream.close();
  }
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
    const stream = (this.#stream ??= this.#settings.noContextTakeover
      ? inflatePool.acquire(this.#poolKey, this.#settings)
      : newInflate(this.#settings));
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
    if (discard || !this.#settings.noContextTakeover) stream.destroy();
    else inflatePool.release(stream, this.#poolKey);
  }
}
