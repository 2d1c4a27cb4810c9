/**
 * One WebSocket connection over an upgraded socket, shared by the server and the client (the
 * role decides masking, RFC 6455 §5.1). Its API follows the browser's `WebSocket` and `ws`:
 * `readyState`, `protocol`, `bufferedAmount`, `send`, `ping`, `pong`, `close`, `terminate`, and
 * the events `open`, `message`, `ping`, `pong`, `drain`, `error`, `close`.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import {
  CloseCode,
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_MAX_PAYLOAD,
  MAX_CLOSE_REASON,
  MAX_CONTROL_PAYLOAD,
  Opcode,
} from './constants.ts';
import { InvalidArgumentError, WsProtocolError, WsStateError } from './errors.ts';
import { attachSocket, Receiver, registerInternals } from './connection.ts';
import { encodeClosePayload } from './protocol/close.ts';
import { FrameDecoder, type FrameHeader, type Role } from './protocol/frame-decoder.ts';
import { encodeFrame } from './protocol/frame-encoder.ts';
import {
  ReadyState,
  type FrameInfo,
  type SendOptions,
  type WebSocketOptions,
} from './websocket-types.ts';

export {
  ReadyState,
  type FrameInfo,
  type SendOptions,
  type WebSocketOptions,
} from './websocket-types.ts';

const HEAD_BYTES = 16;

function toBuffer(data: Buffer | Uint8Array | string): Buffer | string {
  if (typeof data === 'string' || Buffer.isBuffer(data)) return data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * A WebSocket connection. Created by the server after a successful handshake, or by
 * `connect()`; it starts OPEN and starts reading on the next turn of the event loop (after the
 * creator attached its listeners).
 *
 * Events: `open` (), `message` (data: string | Buffer, isBinary), `ping` (payload), `pong`
 * (payload), `drain` (), `error` (err: {@link WsProtocolError}, the peer broke the protocol; the
 * connection is failed with `err.closeCode`; emitted only when a listener is attached, unlike
 * most emitters, so that a peer cannot crash the process), `close` (code, reason: 1005 when the peer's close
 * frame had no code, 1006 when the connection closed without a close frame).
 */
export class WebSocket extends EventEmitter {
  static readonly CONNECTING = ReadyState.CONNECTING;
  static readonly OPEN = ReadyState.OPEN;
  static readonly CLOSING = ReadyState.CLOSING;
  static readonly CLOSED = ReadyState.CLOSED;

  static {
    registerInternals({
      onData: (ws, chunk) => ws.#onData(chunk),
      onEnd: (ws) => ws.#onEnd(),
      onSocketClose: (ws) => ws.#onSocketClose(),
      onFrameIn: (ws, header, payload) => {
        if (ws.#observer !== undefined) ws.#observe('in', header, payload);
      },
      onPing: (ws, payload) => ws.#onPing(payload),
      onClose: (ws, code, reason) => ws.#onCloseFrame(code, reason),
    });
  }

  readonly #socket: Socket;
  readonly #role: Role;
  readonly #protocol: string;
  readonly #closeTimeout: number;
  readonly #decoder: FrameDecoder;
  #readyState = ReadyState.OPEN;
  #closeSent = false;
  #closeReceived = false;
  #closeCode: number = CloseCode.Abnormal;
  #closeReason = '';
  #closeTimer: NodeJS.Timeout | undefined;
  /** True while a message sent in fragments (`send` with `fin: false`) is unfinished. */
  #sendingFragmented = false;
  #started = false;
  #paused = false;
  #observer: ((frame: FrameInfo) => void) | undefined;

  constructor(socket: Socket, options: WebSocketOptions) {
    super();
    this.#socket = socket;
    this.#role = options.role;
    this.#protocol = options.protocol ?? '';
    this.#closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    this.#decoder = new FrameDecoder(new Receiver(this, maxPayload), {
      role: options.role,
      maxPayload,
    });
    socket.setNoDelay(true);
    socket.setTimeout(0);
    // Shared listener functions, no closures per connection (see connection.ts).
    attachSocket(socket, this);
    socket.pause();
    const head = options.head;
    setImmediate(() => {
      this.#started = true;
      if (this.#readyState === ReadyState.CLOSED) return;
      this.emit('open');
      if (head !== undefined && head.length > 0) this.#onData(head);
      if (!this.#paused) socket.resume();
    });
  }

  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  get readyState(): ReadyState {
    return this.#readyState;
  }

  /** The negotiated subprotocol, `''` when none. */
  get protocol(): string {
    return this.#protocol;
  }

  /** Bytes passed to `send` & co. not yet handed to the kernel (the socket's write queue). */
  get bufferedAmount(): number {
    return this.#socket.writableLength;
  }

  /** Peer address as `address:port`. */
  get remoteAddress(): string {
    return `${this.#socket.remoteAddress ?? ''}:${this.#socket.remotePort ?? ''}`;
  }

  /** Calls `observer` for every frame received and sent (the page's frame inspector uses this). */
  observeFrames(observer: ((frame: FrameInfo) => void) | undefined): void {
    this.#observer = observer;
  }

  /**
   * Sends a message (or a fragment, with `fin: false`). Returns false when the socket's buffer
   * is full (backpressure): wait for `drain` before sending more.
   *
   * @throws {WsStateError} `ERR_WS_NOT_OPEN` when the connection is not OPEN.
   */
  send(data: Buffer | Uint8Array | string, options: SendOptions = {}): boolean {
    this.#assertOpen();
    const payload = toBuffer(data);
    const binary = options.binary ?? typeof payload !== 'string';
    const fin = options.fin ?? true;
    const opcode = this.#sendingFragmented
      ? Opcode.Continuation
      : binary
        ? Opcode.Binary
        : Opcode.Text;
    this.#sendingFragmented = !fin;
    return this.#sendFrame(opcode, payload, fin);
  }

  /**
   * Sends a ping (RFC 6455 §5.5.2); the peer answers with a pong carrying the same payload.
   *
   * @throws {WsStateError} `ERR_WS_NOT_OPEN`. @throws {InvalidArgumentError} `ERR_WS_CONTROL_TOO_LONG` over 125 bytes.
   */
  ping(data: Buffer | string = ''): boolean {
    return this.#sendControl(Opcode.Ping, data);
  }

  /** Sends an unsolicited pong (RFC 6455 §5.5.3, a unidirectional heartbeat). Same errors as {@link ping}. */
  pong(data: Buffer | string = ''): boolean {
    return this.#sendControl(Opcode.Pong, data);
  }

  /**
   * Starts the closing handshake (RFC 6455 §7.1.2): sends a close frame, then waits up to
   * `closeTimeout` for the peer's close before destroying the socket. No-op when already closing.
   *
   * @param code a close code that may be sent (1000-1003, 1007-1014, 3000-4999); omitted: no code.
   * @param reason at most 123 bytes of UTF-8.
   * @throws {InvalidArgumentError} `ERR_WS_INVALID_CLOSE_CODE`, `ERR_WS_CLOSE_REASON_TOO_LONG`.
   */
  close(code?: number, reason = ''): void {
    const payload = encodeClosePayload(code, reason);
    if (this.#closeSent || this.#readyState === ReadyState.CLOSED) return;
    this.#sendClose(payload);
  }

  /** Destroys the socket at once, without a closing handshake (`close` reports 1006). */
  terminate(): void {
    if (this.#readyState === ReadyState.CLOSED) return;
    this.#readyState = ReadyState.CLOSING;
    this.#decoder.stop();
    this.#socket.destroy();
  }

  /** Stops reading from the socket (TCP flow control pushes back on the peer). */
  pause(): void {
    this.#paused = true;
    this.#socket.pause();
  }

  /** Resumes reading after {@link pause}. */
  resume(): void {
    this.#paused = false;
    if (this.#started) this.#socket.resume();
  }

  #assertOpen(): void {
    if (this.#readyState !== ReadyState.OPEN) {
      throw new WsStateError(
        'ERR_WS_NOT_OPEN',
        `WebSocket is not open (readyState ${this.#readyState})`,
      );
    }
  }

  #sendControl(opcode: Opcode.Ping | Opcode.Pong, data: Buffer | string): boolean {
    this.#assertOpen();
    const payload = typeof data === 'string' ? Buffer.from(data) : data;
    if (payload.length > MAX_CONTROL_PAYLOAD) {
      throw new InvalidArgumentError(
        'ERR_WS_CONTROL_TOO_LONG',
        `control payload is ${payload.length} bytes; at most ${MAX_CONTROL_PAYLOAD}`,
      );
    }
    return this.#sendFrame(opcode, payload, true);
  }

  #sendFrame(opcode: Opcode, payload: Buffer | string, fin: boolean): boolean {
    const frames = encodeFrame(opcode, payload, { fin, mask: this.#role === 'client' });
    if (this.#observer !== undefined) {
      const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
      this.#observer({
        direction: 'out',
        fin,
        opcode,
        masked: this.#role === 'client',
        payloadLength: bytes.length,
        head: Buffer.from(bytes.subarray(0, HEAD_BYTES)),
      });
    }
    if (frames.length === 1) return this.#socket.write(frames[0]!);
    this.#socket.cork();
    for (const frame of frames) this.#socket.write(frame);
    this.#socket.uncork();
    return this.#socket.writableLength < this.#socket.writableHighWaterMark;
  }

  #sendClose(payload: Buffer): void {
    this.#closeSent = true;
    this.#readyState = ReadyState.CLOSING;
    if (!this.#socket.writable) return;
    this.#sendFrame(Opcode.Close, payload, true);
    if (this.#closeReceived) this.#socket.end();
    this.#closeTimer ??= setTimeout(() => this.#socket.destroy(), this.#closeTimeout);
  }

  #observe(direction: 'in', header: FrameHeader, payload: Buffer): void {
    this.#observer?.({
      direction,
      fin: header.fin,
      opcode: header.opcode,
      masked: header.masked,
      payloadLength: header.payloadLength,
      head: Buffer.from(payload.subarray(0, HEAD_BYTES)),
    });
  }

  #onData(chunk: Buffer): void {
    try {
      this.#decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof WsProtocolError)) throw err;
      this.#fail(err);
    }
  }

  #onPing(payload: Buffer): void {
    if (!this.#closeSent && this.#socket.writable) this.#sendFrame(Opcode.Pong, payload, true);
    this.emit('ping', payload);
  }

  /** RFC 6455 §5.5.1: echo the peer's close code, then close TCP once both close frames passed. */
  #onCloseFrame(code: number, reason: string): void {
    this.#closeReceived = true;
    this.#closeCode = code;
    this.#closeReason = reason;
    this.#decoder.stop();
    if (!this.#closeSent) {
      this.#sendClose(encodeClosePayload(code === CloseCode.NoStatus ? undefined : code));
    } else {
      this.#socket.end();
    }
  }

  /** "Fail the WebSocket connection" (RFC 6455 §7.1.7): close frame with the error's code, then TCP close. */
  #fail(err: WsProtocolError): void {
    this.#decoder.stop();
    if (!this.#closeSent) {
      const reason =
        err.message.length > MAX_CLOSE_REASON
          ? err.message.slice(0, MAX_CLOSE_REASON)
          : err.message;
      this.#sendClose(encodeClosePayload(err.closeCode, reason));
    }
    this.#socket.end();
    // A remote peer must not be able to crash a process that did not listen: without an
    // 'error' listener the failure is still visible as the 'close' event (1006).
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  #onEnd(): void {
    // The peer closed its side of TCP; close ours (upgraded node:http sockets allow half-open).
    if (this.#readyState === ReadyState.OPEN) this.#readyState = ReadyState.CLOSING;
    this.#decoder.stop();
    this.#socket.end();
  }

  #onSocketClose(): void {
    clearTimeout(this.#closeTimer);
    this.#decoder.stop();
    this.#readyState = ReadyState.CLOSED;
    const code = this.#closeReceived ? this.#closeCode : CloseCode.Abnormal;
    this.emit('close', code, this.#closeReceived ? this.#closeReason : '');
  }
}
