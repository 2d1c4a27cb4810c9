/**
 * `WebSocket`: the public face of one connection, shared by the server and the client (the role
 * decides masking, RFC 6455 §5.1). Its API follows the browser's `WebSocket` and `ws`:
 * `readyState`, `protocol`, `bufferedAmount`, `send`, `ping`, `pong`, `close`, `terminate`, and
 * the events `open`, `message`, `ping`, `pong`, `drain`, `error`, `close`. It checks arguments
 * and state, then hands the work to its {@link Connection} (`connection.ts`), which owns the
 * socket, the decoders and the closing handshake and emits the events on this object.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { InvalidArgumentError, resolveLimits } from 'common';
import { MAX_CONTROL_PAYLOAD, Opcode } from './constants.ts';
import { Connection } from './connection.ts';
import { connectionSettings } from './connection-settings.ts';
import { WsArgumentError, WsStateError } from './errors.ts';
import { CONNECTION_LIMITS } from './limits.ts';
import { encodeClosePayload } from './protocol/close.ts';
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
 * most emitters, so that a peer cannot crash the process), `close` (code, reason: 1005 when the
 * peer's close frame had no code, 1006 when the connection closed without a close frame).
 */
export class WebSocket extends EventEmitter {
  static readonly CONNECTING = ReadyState.CONNECTING;
  static readonly OPEN = ReadyState.OPEN;
  static readonly CLOSING = ReadyState.CLOSING;
  static readonly CLOSED = ReadyState.CLOSED;

  readonly #connection: Connection;
  readonly #extensions: string;

  /**
   * @throws {InvalidArgumentError} (common) `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a
   *   `maxPayload`, `maxFragments`, `maxBufferedChunks` or `closeTimeout` outside the limits of
   *   `limits.ts`; `ERR_INVALID_ARG_VALUE` for `settings` made for the other role.
   */
  constructor(socket: Socket, options: WebSocketOptions) {
    super();
    const settings =
      options.settings ??
      connectionSettings(options.role, resolveLimits(CONNECTION_LIMITS, options));
    if (settings.role !== options.role) {
      throw new InvalidArgumentError(
        'ERR_INVALID_ARG_VALUE',
        `The "settings" option is for role '${settings.role}', not '${options.role}'`,
      );
    }
    this.#extensions = options.perMessageDeflate?.header ?? '';
    this.#connection = new Connection(socket, this, {
      settings,
      protocol: options.protocol ?? '',
      perMessageDeflate: options.perMessageDeflate,
      head: options.head,
    });
  }

  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  /**
   * The TCP (or TLS) socket under this WebSocket (`ws` calls it `_socket`): for its addresses
   * and options; reading from or writing to it directly breaks the framing.
   */
  get socket(): Socket {
    return this.#connection.socket;
  }

  get readyState(): ReadyState {
    return this.#connection.readyState;
  }

  /** The negotiated subprotocol, `''` when none. */
  get protocol(): string {
    return this.#connection.protocol;
  }

  /**
   * The extensions in use, as the server's `Sec-WebSocket-Extensions` named them (like the
   * browser's `ws.extensions`): `'permessage-deflate; …'`, or `''` when none.
   */
  get extensions(): string {
    return this.#extensions;
  }

  /**
   * Bytes passed to `send` & co. not yet handed to the kernel: the socket's write queue, plus
   * messages waiting for compression (counted uncompressed).
   */
  get bufferedAmount(): number {
    return this.#connection.bufferedAmount;
  }

  /** Peer address as `address:port`. */
  get remoteAddress(): string {
    return this.#connection.remoteAddress;
  }

  /** Calls `observer` for every frame received and sent (the page's frame inspector uses this). */
  observeFrames(observer: ((frame: FrameInfo) => void) | undefined): void {
    this.#connection.observer = observer;
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
    return this.#connection.send(
      payload,
      options.binary ?? typeof payload !== 'string',
      options.fin ?? true,
    );
  }

  /**
   * Sends a ping (RFC 6455 §5.5.2); the peer answers with a pong carrying the same payload.
   *
   * @throws {WsStateError} `ERR_WS_NOT_OPEN`.
   * @throws {WsArgumentError} `ERR_WS_CONTROL_TOO_LONG` over 125 bytes.
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
   * @throws {WsArgumentError} `ERR_WS_INVALID_CLOSE_CODE`, `ERR_WS_CLOSE_REASON_TOO_LONG`.
   */
  close(code?: number, reason = ''): void {
    this.#connection.close(encodeClosePayload(code, reason));
  }

  /** Destroys the socket at once, without a closing handshake (`close` reports 1006). */
  terminate(): void {
    this.#connection.terminate();
  }

  /** Stops reading from the socket (TCP flow control pushes back on the peer). */
  pause(): void {
    this.#connection.pause();
  }

  /** Resumes reading after {@link pause}. */
  resume(): void {
    this.#connection.resume();
  }

  #assertOpen(): void {
    const state = this.#connection.readyState;
    if (state !== ReadyState.OPEN) {
      throw new WsStateError('ERR_WS_NOT_OPEN', `WebSocket is not open (readyState ${state})`);
    }
  }

  #sendControl(opcode: Opcode.Ping | Opcode.Pong, data: Buffer | string): boolean {
    this.#assertOpen();
    const payload = typeof data === 'string' ? Buffer.from(data) : data;
    if (payload.length > MAX_CONTROL_PAYLOAD) {
      throw new WsArgumentError(
        'ERR_WS_CONTROL_TOO_LONG',
        `control payload is ${payload.length} bytes; at most ${MAX_CONTROL_PAYLOAD}`,
      );
    }
    return this.#connection.sendControl(opcode, payload);
  }
}
