/**
 * The sending half of permessage-deflate (RFC 7692 §7.2.1), one per connection, a
 * {@link ZlibJob} of the process-wide queue: deflates one frame's payload with `Z_SYNC_FLUSH`
 * (the stream's default flush flag, so one frame is one zlib call: `ws` writes, then flushes,
 * two calls per frame) and, for the last frame of a message, drops the 4-byte trailer
 * `00 00 ff ff` the flush ends with.
 *
 * With context takeover the direction keeps its own zlib stream for the connection's life;
 * without, it borrows a pooled stream for one message and returns it reset (`zlib-queue.ts`).
 */
import { constants, createDeflateRaw, type DeflateRaw } from 'node:zlib';
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
const kJob = Symbol('netlab.compressor');
type OwnedDeflate = DeflateRaw & { [kJob]: Compressor | undefined };

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

/** Idle compressors of directions without context takeover, shared by the whole process. */
const deflatePool = new ZlibPool<OwnedDeflate>(newDeflate);

/** Idle pooled compressors (for tests and the benchmark). */
export function pooledCompressors(): number {
  return deflatePool.idle;
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
    const stream = (this.#stream ??= deflatePool.take(this.#poolKey, this.#settings));
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
    deflatePool.give(stream, this.#poolKey, this.#settings, false);
  }
}
