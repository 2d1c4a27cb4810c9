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

/** A message arriving in several frames, or compressed: what is known of it so far. */
interface OpenMessage {
  readonly opcode: Opcode.Text | Opcode.Binary;
  /** RSV1 on its first frame: its frames are inflated outside (`onCompressedFrame`). */
  readonly compressed: boolean;
  /** Bytes announced so far (frame headers, as they arrive; compressed bytes if compressed). */
  total: number;
  /** Frames so far. */
  frames: number;
  /** Inflated bytes so far (compressed messages). */
  inflated: number;
  /** Binary fragments, or the inflated chunks of a compressed message. */
  fragments: Buffer[];
  /** Uncompressed text, decoded fragment by fragment. */
  text: string;
  decoder: TextDecoder | undefined;
}

/**
 * A {@link FrameSink} that turns frames into messages for a {@link MessageSink}. Between
 * messages, and for a message in one uncompressed frame (the common case), it holds no state
 * beyond its sink and options (kept by reference: the connections of a server share them).
 *
 * @throws {WsProtocolError} `ERR_WS_UNEXPECTED_CONTINUATION`, `ERR_WS_EXPECTED_CONTINUATION`
 *   (1002), `ERR_WS_PAYLOAD_TOO_BIG` (1009), `ERR_WS_TOO_MANY_FRAGMENTS` (1008),
 *   `ERR_WS_INVALID_UTF8` (1007), and the close payload errors of {@link parseClosePayload}.
 */
export class MessageAssembler implements FrameSink {
  readonly #sink: MessageSink;
  readonly #options: Readonly<MessageAssemblerOptions>;
  /** The message being assembled across frames, or undefined. */
  #message: OpenMessage | undefined;

  constructor(sink: MessageSink, options: Readonly<MessageAssemblerOptions>) {
    this.#sink = sink;
    this.#options = options;
  }

  /** True when `header` is a frame of a compressed message (its payload must be inflated). */
  isCompressed(header: FrameHeader): boolean {
    return (
      header.rsv1 || (header.opcode === Opcode.Continuation && this.#message?.compressed === true)
    );
  }

  /**
   * Inflated bytes of the current compressed frame (a view the caller no longer writes to).
   *
   * @throws {WsProtocolError} `ERR_WS_PAYLOAD_TOO_BIG` (1009) as soon as the inflated message
   *   passes `maxPayload`: the caller stops inflating (a decompression bomb is cut here).
   */
  addInflated(chunk: Buffer): void {
    const message = this.#message!;
    message.inflated += chunk.length;
    const { maxPayload } = this.#options;
    if (message.inflated > maxPayload) {
      throw new WsProtocolError(
        'ERR_WS_PAYLOAD_TOO_BIG',
        CloseCode.MessageTooBig,
        `inflated message of more than ${maxPayload} bytes exceeds maxPayload`,
      );
    }
    message.fragments.push(chunk);
  }

  /**
   * The current compressed frame is inflated; with `fin` the message is delivered.
   *
   * @throws {WsProtocolError} `ERR_WS_INVALID_UTF8` (1007) for text that is not UTF-8.
   */
  endCompressedFrame(fin: boolean): void {
    if (!fin) return;
    const { opcode, fragments, inflated } = this.#message!;
    this.#message = undefined;
    const data = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments, inflated);
    if (opcode === Opcode.Binary) this.#sink.onMessage(data, true);
    else this.#deliverText(data);
  }

  onHeader(header: FrameHeader): void {
    const { opcode } = header;
    if (opcode >= Opcode.Close) return;
    const { maxPayload, maxFragments = Infinity } = this.#options;
    let message = this.#message;
    if (opcode === Opcode.Continuation) {
      if (message === undefined) {
        throw new WsProtocolError(
          'ERR_WS_UNEXPECTED_CONTINUATION',
          CloseCode.ProtocolError,
          'continuation frame without a message to continue',
        );
      }
    } else if (message !== undefined) {
      throw new WsProtocolError(
        'ERR_WS_EXPECTED_CONTINUATION',
        CloseCode.ProtocolError,
        'new data frame while a fragmented message is open',
      );
    } else if (!header.fin || header.rsv1) {
      message = this.#message = {
        opcode: opcode as Opcode.Text | Opcode.Binary, // control frames returned above
        compressed: header.rsv1,
        total: 0,
        frames: 0,
        inflated: 0,
        fragments: [],
        text: '',
        decoder: undefined,
      };
    }
    const frames = (message?.frames ?? 0) + 1;
    if (frames > maxFragments) {
      throw new WsProtocolError(
        'ERR_WS_TOO_MANY_FRAGMENTS',
        CloseCode.PolicyViolation,
        `message in more than ${maxFragments} frames (maxFragments)`,
      );
    }
    const total = (message?.total ?? 0) + header.payloadLength;
    if (total > maxPayload) {
      throw new WsProtocolError(
        'ERR_WS_PAYLOAD_TOO_BIG',
        CloseCode.MessageTooBig,
        `message of at least ${total} bytes exceeds maxPayload ${maxPayload}`,
      );
    }
    if (message !== undefined) {
      message.frames = frames;
      message.total = total;
    }
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
      case Opcode.Continuation: {
        const message = this.#message;
        if (message === undefined) {
          // The common case: a message in one uncompressed frame, delivered without copying.
          if (opcode === Opcode.Binary) this.#sink.onMessage(payload, true);
          else this.#deliverText(payload);
          return;
        }
        if (message.compressed) {
          this.#sink.onCompressedFrame(header, payload);
          return;
        }
        this.#addFragment(message, payload, header.fin);
        if (header.fin) this.#finish(message);
        return;
      }
      default:
        assertNever(opcode, 'frame opcode');
    }
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

  #addFragment(message: OpenMessage, payload: Buffer, fin: boolean): void {
    if (message.opcode === Opcode.Binary) {
      // A view of the socket chunk; Node never reuses a chunk it emitted, so keeping it is safe.
      // The fragments are copied once, into the message, at FIN.
      message.fragments.push(payload);
      return;
    }
    // Text: decode each fragment as it arrives, so an invalid sequence fails at once while a
    // character split across fragments is carried over (RFC 6455 §8.1; WHATWG streaming decode).
    message.decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    try {
      message.text += message.decoder.decode(payload, { stream: !fin });
    } catch {
      message.decoder = undefined;
      throw new WsProtocolError(
        'ERR_WS_INVALID_UTF8',
        CloseCode.InvalidPayload,
        'text message is not valid UTF-8',
      );
    }
  }

  #finish(message: OpenMessage): void {
    this.#message = undefined;
    if (message.opcode === Opcode.Binary) {
      this.#sink.onMessage(Buffer.concat(message.fragments, message.total), true);
    } else {
      this.#sink.onMessage(message.text, false);
    }
  }
}
