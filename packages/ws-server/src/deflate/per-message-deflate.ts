/**
 * permessage-deflate on one connection (RFC 7692 §6, §7.2): which messages are compressed, the
 * order of outgoing frames while a compression runs, and the inflation of incoming frames.
 * Created by the connection only when the extension was negotiated: a connection without it
 * pays nothing.
 *
 * Outgoing: a data message is compressed when its first frame has at least `threshold` bytes
 * (RSV1 on that first frame only, §6.1); compression is asynchronous (zlib runs on libuv's
 * threads), so while one runs every later frame, control frames and the close frame included,
 * waits in a FIFO behind it: the peer sees frames in exactly the order they were sent. The
 * FIFO counts in `bufferedAmount` and in `send()`'s backpressure answer, and `drain` waits for
 * it to empty.
 *
 * Incoming: a compressed frame is inflated while the decoder holds the frames after it (the
 * connection pauses the socket meanwhile), so messages and control frames keep their order.
 */
import type { Socket } from 'node:net';
import { Opcode } from '../constants.ts';
import type { WsProtocolError } from '../errors.ts';
import type { FrameHeader, Role } from '../protocol/frame-decoder.ts';
import { deflateDirections, type DeflateParams } from '../protocol/permessage-deflate.ts';
import type { DeflateSettings } from './options.ts';
import { Compressor, type CompressorSink } from './compressor.ts';
import { Decompressor, type DecompressorSink } from './decompressor.ts';
import type { DirectionSettings } from './zlib-queue.ts';

/** What was agreed for one connection (the `WebSocket` option `perMessageDeflate`). */
export interface NegotiatedDeflate {
  readonly params: DeflateParams;
  readonly settings: DeflateSettings;
  /** The `Sec-WebSocket-Extensions` value of the 101 response (`ws.extensions`). */
  readonly header: string;
}

/** What the connection does for its {@link PerMessageDeflate}. */
export interface DeflateHost {
  /**
   * Writes one frame now. `original`: for a frame of a compressed message, its payload before
   * compression (for the frame observer); undefined for an uncompressed frame.
   */
  writeFrame(
    opcode: Opcode,
    payload: Buffer | string,
    fin: boolean,
    rsv1: boolean,
    original: Buffer | string | undefined,
  ): void;
  /** The FIFO emptied after a `send` reported backpressure: emit `drain`. */
  onDrain(): void;
  /** A chunk of an incoming frame's inflated payload; may throw (too big) to stop inflating. */
  onInflated(chunk: Buffer): void;
  /**
   * The frame passed to {@link PerMessageDeflate.inflate} is inflated: `inflatedLength` bytes,
   * the first of which are in `head` (a view of the first output chunk).
   */
  onFrameInflated(header: FrameHeader, inflatedLength: number, head: Buffer): void;
  /** Inflating or deflating failed: fail the connection with the error's close code. */
  onDeflateError(err: WsProtocolError): void;
}

/** A frame waiting to be written. */
interface Outgoing {
  opcode: Opcode;
  payload: Buffer | string;
  fin: boolean;
  compress: boolean;
  /** Bytes (before compression). */
  length: number;
}

/** Compact the queue's array once this many written entries sit at its front. */
const COMPACT_AFTER = 64;
const EMPTY = Buffer.alloc(0);

function byteLength(payload: Buffer | string): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
}

/** permessage-deflate state of one connection. */
export class PerMessageDeflate implements CompressorSink, DecompressorSink {
  readonly #host: DeflateHost;
  readonly #socket: Socket;
  readonly #threshold: number;
  readonly #compressSettings: DirectionSettings;
  readonly #decompressSettings: DirectionSettings;
  #compressor: Compressor | undefined;
  #decompressor: Decompressor | undefined;
  #queue: Outgoing[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** Whether the message being sent is compressed (decided at its first frame). */
  #compressMessage = false;
  /** A send reported backpressure: emit `drain` once the FIFO and the socket have room. */
  #needDrain = false;
  /** `socket.end()` waits for the FIFO to empty. */
  #endPending = false;
  /** The incoming frame being inflated, and what came out of it so far. */
  #inflating: FrameHeader | undefined;
  #inflatedLength = 0;
  #inflatedHead: Buffer | undefined;

  constructor(negotiated: NegotiatedDeflate, role: Role, socket: Socket, host: DeflateHost) {
    this.#host = host;
    this.#socket = socket;
    const { threshold, level, memLevel } = negotiated.settings;
    this.#threshold = threshold;
    const { compress, decompress } = deflateDirections(negotiated.params, role);
    this.#compressSettings = { ...compress, level, memLevel };
    this.#decompressSettings = { ...decompress, level, memLevel };
  }

  /** Bytes of frames waiting to be compressed or written (counted before compression). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** True when no frame waits (the connection may write directly). */
  get idle(): boolean {
    return this.#head === this.#queue.length;
  }

  /**
   * `send()`'s answer: false when the socket's buffer and the FIFO together reach the socket's
   * high-water mark (then `drain` follows once both have room).
   */
  writable(): boolean {
    const below =
      this.#socket.writableLength + this.#queuedBytes < this.#socket.writableHighWaterMark;
    if (!below) this.#needDrain = true;
    return below;
  }

  /** The socket drained: true when `drain` may be emitted now (nothing waits in the FIFO). */
  socketDrained(): boolean {
    if (!this.idle) return false;
    this.#needDrain = false;
    return true;
  }

  /** Ends TCP once every queued frame is written. */
  end(): void {
    if (this.idle) this.#socket.end();
    else this.#endPending = true;
  }

  /** Sends a data frame: compressed if its message is, queued behind a running compression. */
  sendData(opcode: Opcode, payload: Buffer | string, fin: boolean): void {
    const length = byteLength(payload);
    if (opcode !== Opcode.Continuation) this.#compressMessage = length >= this.#threshold;
    this.#send(opcode, payload, fin, this.#compressMessage, length);
  }

  /** Sends a control frame (never compressed), in order with the data frames. */
  sendControl(opcode: Opcode, payload: Buffer): void {
    this.#send(opcode, payload, true, false, payload.length);
  }

  /** Inflates one incoming frame of a compressed message; the host hears of each chunk. */
  inflate(header: FrameHeader, payload: Buffer): void {
    this.#inflating = header;
    this.#inflatedLength = 0;
    this.#inflatedHead = undefined;
    (this.#decompressor ??= new Decompressor(this.#decompressSettings, this)).decompress(
      payload,
      header.fin,
    );
  }

  /** The connection closed or failed: drop what waits, stop zlib, give pooled streams back. */
  close(): void {
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    this.#compressor?.close();
    this.#decompressor?.close();
  }

  // CompressorSink: the frame at the head of the queue is compressed.
  onCompressed(payload: Buffer): void {
    const frame = this.#shift();
    this.#host.writeFrame(
      frame.opcode,
      payload,
      frame.fin,
      frame.opcode !== Opcode.Continuation,
      frame.payload,
    );
    this.#pump();
  }

  onCompressFailed(err: WsProtocolError): void {
    this.#host.onDeflateError(err);
  }

  // DecompressorSink.
  onInflated(chunk: Buffer): void {
    this.#inflatedLength += chunk.length;
    this.#inflatedHead ??= chunk;
    this.#host.onInflated(chunk);
  }

  onDecompressed(): void {
    const header = this.#inflating!;
    const head = this.#inflatedHead ?? EMPTY;
    this.#inflating = undefined;
    this.#inflatedHead = undefined;
    this.#host.onFrameInflated(header, this.#inflatedLength, head);
  }

  onDecompressFailed(err: WsProtocolError): void {
    this.#host.onDeflateError(err);
  }

  #send(
    opcode: Opcode,
    payload: Buffer | string,
    fin: boolean,
    compress: boolean,
    length: number,
  ): void {
    if (!compress && this.idle) {
      this.#host.writeFrame(opcode, payload, fin, false, undefined);
      return;
    }
    this.#queue.push({ opcode, payload, fin, compress, length });
    this.#queuedBytes += length;
    if (this.#queue.length - this.#head === 1) this.#pump();
  }

  /** Writes queued frames until one needs compressing (started here) or none is left. */
  #pump(): void {
    while (this.#head < this.#queue.length) {
      const frame = this.#queue[this.#head]!;
      if (frame.compress) {
        (this.#compressor ??= new Compressor(this.#compressSettings, this)).compress(
          frame.payload,
          frame.fin,
        );
        return;
      }
      this.#shift();
      this.#host.writeFrame(frame.opcode, frame.payload, frame.fin, false, undefined);
    }
    if (this.#endPending) {
      this.#endPending = false;
      this.#socket.end();
    }
    if (this.#needDrain && this.writable()) {
      this.#needDrain = false;
      this.#host.onDrain();
    }
  }

  #shift(): Outgoing {
    const frame = this.#queue[this.#head]!;
    this.#head += 1;
    this.#queuedBytes -= frame.length;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return frame;
  }
}
