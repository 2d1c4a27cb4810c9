/**
 * permessage-deflate on one connection (RFC 7692 §6, §7.2): which messages are compressed, the
 * order of outgoing frames while a compression runs, and the inflation of incoming frames.
 * Created by the connection only when the extension was negotiated: a connection without it
 * pays nothing.
 *
 * Outgoing: a data message is compressed when its first frame has at least `threshold` bytes
 * (RSV1 on that first frame only, §6.1); compression is asynchronous (zlib runs on libuv's
 * threads), so while one runs every later frame, control frames and the close frame included,
 * waits in a FIFO behind it: the peer sees frames in exactly the order they were sent.
 */
import { Opcode } from '../constants.ts';
import type { WsProtocolError } from '../errors.ts';
import type { Role } from '../protocol/frame-decoder.ts';
import { deflateDirections, type DeflateParams } from '../protocol/permessage-deflate.ts';
import type { DeflateSettings } from './options.ts';
import {
  Compressor,
  Decompressor,
  type CompressorSink,
  type DecompressorSink,
  type DirectionSettings,
} from './zlib-jobs.ts';

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
  /** Every queued frame has been written. */
  onSendQueueEmpty(): void;
  /** A chunk of an incoming frame's inflated payload; may throw (too big) to stop inflating. */
  onInflated(chunk: Buffer): void;
  /** The incoming frame passed to {@link PerMessageDeflate.inflate} is fully inflated. */
  onFrameInflated(): void;
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

function byteLength(payload: Buffer | string): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
}

/** permessage-deflate state of one connection. */
export class PerMessageDeflate implements CompressorSink, DecompressorSink {
  readonly #host: DeflateHost;
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

  constructor(negotiated: NegotiatedDeflate, role: Role, host: DeflateHost) {
    this.#host = host;
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
  inflate(payload: Buffer, fin: boolean): void {
    (this.#decompressor ??= new Decompressor(this.#decompressSettings, this)).decompress(
      payload,
      fin,
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
    this.#host.onInflated(chunk);
  }

  onDecompressed(): void {
    this.#host.onFrameInflated();
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
    this.#host.onSendQueueEmpty();
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
