/**
 * Incremental frame decoder (RFC 6455 §5.2): fed socket chunks of any size, it parses FIN,
 * RSV1-3, opcode, MASK, the 7/16/64-bit payload length, the masking key and the payload, and
 * hands each frame to a {@link FrameSink}. Pure: no sockets, timers or logging.
 *
 * Buffering is common's `ChunkQueue` (ws's receiver's approach): a list of chunks plus a byte
 * count; a payload that lies in one chunk is returned as a view of it (no copy), one that spans
 * chunks is copied once.
 */
import { assertNever, ChunkQueue } from 'common/protocol';
import { CloseCode, LENGTH_16, LENGTH_64, MAX_LENGTH_16 } from '../constants.ts';
import { WsProtocolError } from '../errors.ts';
import { parseFrameStart, type FrameHeader, type Role } from './frame-header.ts';
import { applyMaskKey } from './mask.ts';

export type { FrameHeader, Role } from './frame-header.ts';

/** Receives decoded frames. Either method may throw a {@link WsProtocolError} to fail the stream. */
export interface FrameSink {
  /** Called once the header is complete, before the payload is buffered (limit checks go here). */
  onHeader(header: FrameHeader): void;
  /**
   * Called with the unmasked payload. The buffer may be a view of the chunk passed to
   * {@link FrameDecoder.push} (it aliases socket memory): copy it to keep it past the call.
   */
  onFrame(header: FrameHeader, payload: Buffer): void;
}

export interface FrameDecoderOptions {
  /** `server`: client frames must be masked; `client`: server frames must not be. */
  role: Role;
  /** Largest frame payload accepted, in bytes; larger → 1009 from the header. */
  maxPayload: number;
  /**
   * Most chunks (socket reads) an incomplete frame may span while it is buffered; one more →
   * 1008 (`ERR_WS_TOO_MANY_CHUNKS`). A 1-byte chunk costs ~540 B of memory, so this bounds
   * what a peer trickling a frame byte by byte can make the decoder hold. Default: no limit
   * (the connection passes `LIMITS.maxBufferedChunks`).
   */
  maxBufferedChunks?: number;
  /** permessage-deflate was negotiated: RSV1 may be set on the first frame of a data message. */
  perMessageDeflate?: boolean;
}

enum State {
  Header,
  ExtendedLength16,
  ExtendedLength64,
  MaskingKey,
  Payload,
}

/** Bits of {@link FrameDecoder}'s `#flags`. */
const STOPPED = 1;
const HELD = 2;

/**
 * Decodes a stream of frames. One instance per connection (its state is the connection's); the
 * options object is kept by reference, so the connections of a server can share one.
 *
 * The sink may {@link FrameDecoder.hold} the decoder (while it inflates a frame elsewhere):
 * chunks pushed meanwhile are only buffered until {@link FrameDecoder.release}.
 *
 * @throws {WsProtocolError} from {@link FrameDecoder.push} and {@link FrameDecoder.release}:
 *   `ERR_WS_RESERVED_BITS`,
 *   `ERR_WS_RESERVED_OPCODE`, `ERR_WS_CONTROL_FRAGMENTED`, `ERR_WS_CONTROL_TOO_LONG`,
 *   `ERR_WS_EXPECTED_MASK`, `ERR_WS_UNEXPECTED_MASK`, `ERR_WS_LENGTH_MSB`,
 *   `ERR_WS_NON_MINIMAL_LENGTH` (all 1002), `ERR_WS_PAYLOAD_TOO_BIG` (1009),
 *   `ERR_WS_TOO_MANY_CHUNKS` (1008); after an error the decoder ignores further input.
 */
export class FrameDecoder {
  readonly #options: Readonly<FrameDecoderOptions>;
  readonly #sink: FrameSink;
  readonly #queue = new ChunkQueue();
  #state = State.Header;
  #header: FrameHeader | undefined;
  /** The masking key as a big-endian 32-bit number (no view of the 4 bytes per frame). */
  #maskingKey = 0;
  /** {@link STOPPED}, {@link HELD}. */
  #flags = 0;
  /** Chunks holding bytes of the frame being decoded (the first may start with earlier frames). */
  #frameChunks = 0;

  constructor(sink: FrameSink, options: Readonly<FrameDecoderOptions>) {
    this.#sink = sink;
    this.#options = options;
  }

  /** True between {@link hold} and {@link release}. */
  get held(): boolean {
    return (this.#flags & HELD) !== 0;
  }

  /** Stops delivering frames (the current one was delivered) until {@link release}. */
  hold(): void {
    this.#flags |= HELD;
  }

  /** Delivers the frames buffered while held, and decodes on from there. */
  release(): void {
    if ((this.#flags & HELD) === 0) return;
    this.#flags &= ~HELD;
    this.#guarded();
  }

  /** Bytes received but not yet part of a delivered frame. */
  get bufferedBytes(): number {
    return this.#queue.length;
  }

  /** Stops decoding: the rest of the current chunk and later chunks are ignored. */
  stop(): void {
    this.#flags |= STOPPED;
    this.#queue.clear();
  }

  /**
   * Feeds a chunk; delivers every frame it completes. Masked payloads are unmasked in place:
   * the chunk's bytes are modified (it is socket memory nobody else reads).
   */
  push(chunk: Buffer): void {
    if ((this.#flags & STOPPED) !== 0 || chunk.length === 0) return;
    this.#queue.push(chunk);
    this.#frameChunks += 1;
    const maxBufferedChunks = this.#options.maxBufferedChunks ?? Infinity;
    if (this.#frameChunks > maxBufferedChunks) {
      this.stop();
      throw new WsProtocolError(
        'ERR_WS_TOO_MANY_CHUNKS',
        CloseCode.PolicyViolation,
        `a frame spans more than ${maxBufferedChunks} buffered chunks (maxBufferedChunks)`,
      );
    }
    if ((this.#flags & HELD) === 0) this.#guarded();
  }

  #guarded(): void {
    try {
      this.#run();
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  #run(): void {
    while (this.#flags === 0) {
      const state = this.#state;
      switch (state) {
        case State.Header:
          if (this.#queue.length < 2) return;
          this.#readHeader();
          break;
        case State.ExtendedLength16:
          if (this.#queue.length < 2) return;
          this.#readLength16();
          break;
        case State.ExtendedLength64:
          if (this.#queue.length < 8) return;
          this.#readLength64();
          break;
        case State.MaskingKey:
          if (this.#queue.length < 4) return;
          this.#maskingKey = this.#queue.peekUInt32BE();
          this.#queue.skip(4);
          this.#state = State.Payload;
          break;
        case State.Payload: {
          const header = this.#header!;
          if (this.#queue.length < header.payloadLength) return;
          const payload = this.#queue.consume(header.payloadLength);
          if (header.masked) applyMaskKey(payload, this.#maskingKey);
          this.#state = State.Header;
          this.#header = undefined;
          // The next frame starts in the current chunk, if any of it is left.
          this.#frameChunks = this.#queue.length > 0 ? 1 : 0;
          this.#sink.onFrame(header, payload);
          break;
        }
        default:
          assertNever(state, 'decoder state');
      }
    }
  }

  #readHeader(): void {
    const b0 = this.#queue.readUInt8();
    const b1 = this.#queue.readUInt8();
    const header = parseFrameStart(b0, b1, this.#options);
    this.#header = header;
    if (header.payloadLength === LENGTH_16) this.#state = State.ExtendedLength16;
    else if (header.payloadLength === LENGTH_64) this.#state = State.ExtendedLength64;
    else this.#lengthDone();
  }

  #readLength16(): void {
    const length = (this.#queue.readUInt8() << 8) | this.#queue.readUInt8();
    // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
    if (length < LENGTH_16) {
      throw new WsProtocolError(
        'ERR_WS_NON_MINIMAL_LENGTH',
        CloseCode.ProtocolError,
        '16-bit length under 126',
      );
    }
    this.#header!.payloadLength = length;
    this.#lengthDone();
  }

  #readLength64(): void {
    let high = 0;
    for (let i = 0; i < 4; i += 1) high = high * 256 + this.#queue.readUInt8();
    let low = 0;
    for (let i = 0; i < 4; i += 1) low = low * 256 + this.#queue.readUInt8();
    // RFC 6455 §5.2: the most significant bit of a 64-bit length MUST be 0.
    if (high >= 0x8000_0000) {
      throw new WsProtocolError(
        'ERR_WS_LENGTH_MSB',
        CloseCode.ProtocolError,
        '64-bit length with the MSB set',
      );
    }
    const length = high * 2 ** 32 + low;
    if (length <= MAX_LENGTH_16) {
      throw new WsProtocolError(
        'ERR_WS_NON_MINIMAL_LENGTH',
        CloseCode.ProtocolError,
        '64-bit length under 65536',
      );
    }
    this.#header!.payloadLength = length;
    this.#lengthDone();
  }

  /** The payload length is known: check limits before buffering a byte of payload. */
  #lengthDone(): void {
    const header = this.#header!;
    const { maxPayload } = this.#options;
    if (header.payloadLength > maxPayload) {
      throw new WsProtocolError(
        'ERR_WS_PAYLOAD_TOO_BIG',
        CloseCode.MessageTooBig,
        `frame payload of ${header.payloadLength} bytes exceeds maxPayload ${maxPayload}`,
      );
    }
    this.#sink.onHeader(header);
    this.#state = header.masked ? State.MaskingKey : State.Payload;
  }
}
