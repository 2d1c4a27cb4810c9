/**
 * Message assembly (RFC 6455 §5.4, §5.5, §8.1): joins fragments into messages, passes control
 * frames through (they may arrive between fragments), enforces `maxPayload` on the whole
 * message from each frame header (before the payload is buffered) and `maxFragments` on the
 * number of its frames, and validates text as UTF-8 incrementally, fragment by fragment.
 *
 * Compressed messages (RSV1 on the first frame, RFC 7692 §6) are inflated outside, by the
 * connection: their frames go to {@link MessageSink.onCompressedFrame}, the inflated bytes come
 * back through {@link MessageAssembler.addInflated} (where `maxPayload` applies to the inflated
 * size as it grows) and {@link MessageAssembler.endCompressedFrame}; their text is validated as
 * UTF-8 once inflated. Pure.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { assertNever } from 'common/protocol';
import { CloseCode, Opcode } from '../constants.ts';
import { WsProtocolError } from '../errors.ts';
import { parseClosePayload } from './close.ts';
import type { FrameHeader, FrameSink } from './frame-decoder.ts';

/** Receives complete messages and control frames. */
export interface MessageSink {
  /** A complete message: a string for text (already UTF-8 validated), a Buffer for binary. */
  onMessage(data: Buffer | string, isBinary: boolean): void;
  /** A ping; the payload may alias socket memory. */
  onPing(payload: Buffer): void;
  /** A pong; the payload may alias socket memory. */
  onPong(payload: Buffer): void;
  /** A valid close frame (code 1005 when it had no payload). */
  onClose(code: number, reason: string): void;
  /**
   * A frame of a compressed message: inflate `payload` (appending the trailer when `fin`), feed
   * the output to {@link MessageAssembler.addInflated}, then call
   * {@link MessageAssembler.endCompressedFrame}. Frames after it must wait until then.
   */
  onCompressedFrame(header: FrameHeader, payload: Buffer): void;
}

export interface MessageAssemblerOptions {
  /** Largest message (all fragments together, inflated when compressed) in bytes; larger → 1009. */
  maxPayload: number;
  /** Most frames per message; one more → 1008. Default: no limit. */
  maxFragments?: number;
}

/**
 * A {@link FrameSink} that turns frames into messages for a {@link MessageSink}.
 *
 * @throws {WsProtocolError} `ERR_WS_UNEXPECTED_CONTINUATION`, `ERR_WS_EXPECTED_CONTINUATION`
 *   (1002), `ERR_WS_PAYLOAD_TOO_BIG` (1009), `ERR_WS_TOO_MANY_FRAGMENTS` (1008),
 *   `ERR_WS_INVALID_UTF8` (1007), and the close payload errors of {@link parseClosePayload}.
 */
export class MessageAssembler implements FrameSink {
  readonly #sink: MessageSink;
  readonly #maxPayload: number;
  readonly #maxFragments: number;
  /** Opcode of the message being assembled, or undefined between messages. */
  #opcode: Opcode.Text | Opcode.Binary | undefined;
  /** Bytes announced so far for the open message (headers included as they arrive). */
  #total = 0;
  /** Frames of the open message so far. */
  #frames = 0;
  /** The open message is compressed (RSV1 on its first frame). */
  #compressed = false;
  /** Inflated bytes of the open compressed message so far. */
  #inflated = 0;
  #fragments: Buffer[] | undefined;
  #text = '';
  #decoder: TextDecoder | undefined;

  constructor(sink: MessageSink, options: MessageAssemblerOptions) {
    this.#sink = sink;
    this.#maxPayload = options.maxPayload;
    this.#maxFragments = options.maxFragments ?? Infinity;
  }

  /** True when `header` is a frame of a compressed message (its payload must be inflated). */
  isCompressed(header: FrameHeader): boolean {
    return header.rsv1 || (header.opcode === Opcode.Continuation && this.#compressed);
  }

  /**
   * Inflated bytes of the current compressed frame (a view the caller no longer writes to).
   *
   * @throws {WsProtocolError} `ERR_WS_PAYLOAD_TOO_BIG` (1009) as soon as the inflated message
   *   passes `maxPayload`: the caller stops inflating (a decompression bomb is cut here).
   */
  addInflated(chunk: Buffer): void {
    this.#inflated += chunk.length;
    if (this.#inflated > this.#maxPayload) {
      throw new WsProtocolError(
        'ERR_WS_PAYLOAD_TOO_BIG',
        CloseCode.MessageTooBig,
        `inflated message of more than ${this.#maxPayload} bytes exceeds maxPayload`,
      );
    }
    this.#fragments!.push(chunk);
  }

  /**
   * The current compressed frame is inflated; with `fin` the message is delivered.
   *
   * @throws {WsProtocolError} `ERR_WS_INVALID_UTF8` (1007) for text that is not UTF-8.
   */
  endCompressedFrame(fin: boolean): void {
    if (!fin) return;
    const fragments = this.#fragments!;
    const data = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments, this.#inflated);
    const opcode = this.#opcode;
    this.#reset();
    if (opcode === Opcode.Binary) {
      this.#sink.onMessage(data, true);
      return;
    }
    this.#deliverText(data);
  }

  onHeader(header: FrameHeader): void {
    const { opcode } = header;
    if (opcode >= Opcode.Close) return;
    if (opcode === Opcode.Continuation) {
      if (this.#opcode === undefined) {
        throw new WsProtocolError(
          'ERR_WS_UNEXPECTED_CONTINUATION',
          CloseCode.ProtocolError,
          'continuation frame without a message to continue',
        );
      }
    } else if (this.#opcode !== undefined) {
      throw new WsProtocolError(
        'ERR_WS_EXPECTED_CONTINUATION',
        CloseCode.ProtocolError,
        'new data frame while a fragmented message is open',
      );
    }
    const continued = opcode === Opcode.Continuation;
    const frames = (continued ? this.#frames : 0) + 1;
    if (frames > this.#maxFragments) {
      throw new WsProtocolError(
        'ERR_WS_TOO_MANY_FRAGMENTS',
        CloseCode.PolicyViolation,
        `message in more than ${this.#maxFragments} frames (maxFragments)`,
      );
    }
    this.#frames = frames;
    const total = (continued ? this.#total : 0) + header.payloadLength;
    if (total > this.#maxPayload) {
      throw new WsProtocolError(
        'ERR_WS_PAYLOAD_TOO_BIG',
        CloseCode.MessageTooBig,
        `message of at least ${total} bytes exceeds maxPayload ${this.#maxPayload}`,
      );
    }
    this.#total = total;
  }

  onFrame(header: FrameHeader, payload: Buffer): void {
    const opcode = header.opcode;
    switch (opcode) {
      case Opcode.Ping:
        this.#sink.onPing(payload);
        return;
      case Opcode.Pong:
        this.#sink.onPong(payload);
        return;
      case Opcode.Close: {
        const { code, reason } = parseClosePayload(payload);
        this.#sink.onClose(code, reason);
        return;
      }
      case Opcode.Text:
      case Opcode.Binary:
        if (header.rsv1) {
          this.#opcode = opcode;
          this.#compressed = true;
          this.#inflated = 0;
          this.#fragments = [];
          this.#sink.onCompressedFrame(header, payload);
          return;
        }
        if (header.fin) {
          // The common case: an unfragmented message, delivered without copying.
          this.#total = 0;
          this.#deliverWhole(opcode, payload);
          return;
        }
        this.#opcode = opcode;
        this.#fragments = opcode === Opcode.Binary ? [] : undefined;
        this.#text = '';
        this.#addFragment(payload, false);
        return;
      case Opcode.Continuation:
        if (this.#compressed) {
          this.#sink.onCompressedFrame(header, payload);
          return;
        }
        this.#addFragment(payload, header.fin);
        if (header.fin) this.#finish();
        return;
      default:
        assertNever(opcode, 'frame opcode');
    }
  }

  #deliverWhole(opcode: Opcode.Text | Opcode.Binary, payload: Buffer): void {
    if (opcode === Opcode.Binary) {
      this.#sink.onMessage(payload, true);
      return;
    }
    this.#deliverText(payload);
  }

  #deliverText(payload: Buffer): void {
    if (!isUtf8(payload)) {
      throw new WsProtocolError(
        'ERR_WS_INVALID_UTF8',
        CloseCode.InvalidPayload,
        'text message is not valid UTF-8',
      );
    }
    this.#sink.onMessage(payload.toString('utf8'), false);
  }

  #addFragment(payload: Buffer, fin: boolean): void {
    if (this.#opcode === Opcode.Binary) {
      // A view of the socket chunk; Node never reuses a chunk it emitted, so keeping it is safe.
      // The fragments are copied once, into the message, at FIN.
      this.#fragments!.push(payload);
      return;
    }
    // Text: decode each fragment as it arrives, so an invalid sequence fails at once while a
    // character split across fragments is carried over (RFC 6455 §8.1; WHATWG streaming decode).
    this.#decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    try {
      this.#text += this.#decoder.decode(payload, { stream: !fin });
    } catch {
      this.#decoder = undefined;
      throw new WsProtocolError(
        'ERR_WS_INVALID_UTF8',
        CloseCode.InvalidPayload,
        'text message is not valid UTF-8',
      );
    }
  }

  #finish(): void {
    const opcode = this.#opcode;
    const data = opcode === Opcode.Binary ? Buffer.concat(this.#fragments!) : this.#text;
    this.#reset();
    this.#sink.onMessage(data, opcode === Opcode.Binary);
  }

  #reset(): void {
    this.#opcode = undefined;
    this.#compressed = false;
    this.#fragments = undefined;
    this.#text = '';
    this.#total = 0;
    this.#frames = 0;
    this.#inflated = 0;
  }
}
