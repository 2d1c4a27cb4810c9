/**
 * The plumbing of one WebSocket connection, below the public `WebSocket` object: the path of
 * incoming bytes (socket `data` → {@link FrameDecoder} → {@link MessageAssembler} → events), the
 * closing handshake (RFC 6455 §5.5.1, §7.1) and sending frames. It reports to the `EventEmitter`
 * it is given (the `WebSocket`) and knows nothing else about it.
 *
 * Written to cost as little memory per connection as possible: the socket listeners are
 * functions shared by every connection (they find theirs through a symbol on the socket), and
 * the connection is itself the decoder's and the assembler's sink, so an idle connection is
 * five small objects (`WebSocket`, `Connection`, `FrameDecoder` with its `ChunkQueue`,
 * `MessageAssembler`) and no closures.
 */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { ConnectionOptions, ConnectionSettings } from './connection-settings.ts';
import { CloseCode, Opcode } from './constants.ts';
import { PerMessageDeflate, type DeflateHost } from './deflate/per-message-deflate.ts';
import { WsProtocolError } from './errors.ts';
import { receivedFrameInfo, sentFrameInfo } from './frame-info.ts';
import { writeFrame } from './frame-writer.ts';
import { encodeClosePayload, truncateReason, type CloseInfo } from './protocol/close.ts';
import { FrameDecoder, type FrameHeader, type FrameSink } from './protocol/frame-decoder.ts';
import { MessageAssembler, type MessageSink } from './protocol/message-assembler.ts';
import { ReadyState, type FrameInfo } from './websocket-types.ts';

function destroySocket(socket: Socket): void {
  socket.destroy();
}

/** Bits of `Connection.#flags`. */
const CLOSE_SENT = 1;
/** A message sent in fragments (`fin: false`) is unfinished. */
const SENDING_FRAGMENTED = 2;
const STARTED = 4;
const PAUSED = 8;
/** The peer's FIN arrived while the decoder held frames (an inflation was running). */
const PEER_ENDED = 16;

/** The connection that owns a socket, for the shared socket listeners. */
const kConnection = Symbol('netlab.connection');
type OwnedSocket = Socket & { [kConnection]: Connection };

/**
 * One connection over an upgraded socket. Emits on `owner`: `open`, `message` (data, isBinary),
 * `ping` (payload), `pong` (payload), `drain`, `error` (a {@link WsProtocolError}, only when
 * `owner` has an `error` listener), `close` (code, reason). It starts OPEN and starts reading
 * on the next turn of the event loop, after the creator attached its listeners. The monitor of
 * the settings, when there is one, hears of pongs, failures and the close first.
 */
export class Connection implements FrameSink, MessageSink, DeflateHost {
  // Socket listeners shared by every connection: `this` is the socket. Static members of the
  // class, so they reach the connection's private methods without exposing them.
  static readonly #socketOnData = function (this: OwnedSocket, chunk: Buffer): void {
    // The frames written while this chunk is handled (echoes, answers) leave in one writev.
    this.cork();
    try {
      this[kConnection].#receive(chunk);
    } finally {
      this.uncork();
    }
  };
  static readonly #socketOnEnd = function (this: OwnedSocket): void {
    this[kConnection].#onEnd();
  };
  static readonly #socketOnClose = function (this: OwnedSocket): void {
    this[kConnection].#onSocketClose();
  };
  static readonly #socketOnDrain = function (this: OwnedSocket): void {
    this[kConnection].#onSocketDrain();
  };
  /** A reset or write error: the `close` that follows reports 1006. */
  static readonly #socketOnError = function (this: OwnedSocket): void {
    this.destroy();
  };
  static readonly #startConnection = function (
    connection: Connection,
    head: Buffer | undefined,
  ): void {
    connection.#start(head);
  };

  // Fields are kept few: an idle connection is mostly these objects (issue 17).
  readonly #owner: EventEmitter;
  readonly #socket: Socket;
  /** Shared by the server's connections: role, closeTimeout, decoder options, monitor. */
  readonly #settings: ConnectionSettings;
  readonly #protocol: string;
  readonly #decoder: FrameDecoder;
  readonly #assembler: MessageAssembler;
  /** permessage-deflate, when negotiated: compression, inflation, the outgoing FIFO. */
  readonly #deflate: PerMessageDeflate | undefined;
  #readyState = ReadyState.OPEN;
  /** {@link CLOSE_SENT}, {@link SENDING_FRAGMENTED}, {@link STARTED}, {@link PAUSED}, {@link PEER_ENDED}. */
  #flags = 0;
  /** The peer's close frame, once received. */
  #closeReceived: CloseInfo | undefined;
  #closeTimer: NodeJS.Timeout | undefined;
  #observer: ((frame: FrameInfo) => void) | undefined;

  constructor(socket: Socket, owner: EventEmitter, options: ConnectionOptions) {
    const { settings, perMessageDeflate } = options;
    this.#owner = owner;
    this.#socket = socket;
    this.#settings = settings;
    this.#protocol = options.protocol;
    this.#assembler = new MessageAssembler(this, settings.assembler);
    this.#decoder = new FrameDecoder(
      this,
      perMessageDeflate === undefined ? settings.decoder : settings.deflateDecoder,
    );
    this.#deflate =
      perMessageDeflate === undefined
        ? undefined
        : new PerMessageDeflate(perMessageDeflate, settings.role, socket, this);
    socket.setNoDelay(true);
    socket.setTimeout(0);
    // This connection ends its side of TCP itself (#onEnd), after handling the frames that came
    // before the peer's FIN; a client socket would otherwise end at once, and close while an
    // inflation still holds frames (the peer's close frame among them).
    socket.allowHalfOpen = true;
    (socket as OwnedSocket)[kConnection] = this;
    socket.on('data', Connection.#socketOnData);
    socket.on('end', Connection.#socketOnEnd);
    socket.on('close', Connection.#socketOnClose);
    socket.on('drain', Connection.#socketOnDrain);
    socket.on('error', Connection.#socketOnError);
    socket.pause();
    setImmediate(Connection.#startConnection, this, options.head);
  }

  /** The TCP (or TLS) socket this connection runs over. */
  get socket(): Socket {
    return this.#socket;
  }

  get readyState(): ReadyState {
    return this.#readyState;
  }

  get protocol(): string {
    return this.#protocol;
  }

  /** Bytes handed to the socket and not yet to the kernel, plus those waiting for compression. */
  get bufferedAmount(): number {
    return this.#socket.writableLength + (this.#deflate?.queuedBytes ?? 0);
  }

  get remoteAddress(): string {
    return `${this.#socket.remoteAddress ?? ''}:${this.#socket.remotePort ?? ''}`;
  }

  set observer(observer: ((frame: FrameInfo) => void) | undefined) {
    this.#observer = observer;
  }

  /** Sends a data frame (the caller checked that the connection is OPEN); continues a fragmented message while one is open. */
  send(payload: Buffer | string, binary: boolean, fin: boolean): boolean {
    const opcode =
      (this.#flags & SENDING_FRAGMENTED) !== 0
        ? Opcode.Continuation
        : binary
          ? Opcode.Binary
          : Opcode.Text;
    if (fin) this.#flags &= ~SENDING_FRAGMENTED;
    else this.#flags |= SENDING_FRAGMENTED;
    if (this.#deflate === undefined) return this.#writeFrame(opcode, payload, fin, false);
    this.#deflate.sendData(opcode, payload, fin);
    return this.#deflate.writable();
  }

  /** Sends a ping or an unsolicited pong (the caller checked the 125-byte limit). */
  sendControl(opcode: Opcode.Ping | Opcode.Pong, payload: Buffer): boolean {
    if (this.#deflate === undefined) return this.#writeFrame(opcode, payload, true, false);
    this.#deflate.sendControl(opcode, payload);
    return this.#deflate.writable();
  }

  /** Starts the closing handshake with an encoded close payload; no-op when already closing. */
  close(payload: Buffer): void {
    if ((this.#flags & CLOSE_SENT) !== 0 || this.#readyState === ReadyState.CLOSED) return;
    this.#sendClose(payload);
  }

  /** Destroys the socket without a closing handshake (`close` reports 1006). */
  terminate(): void {
    if (this.#readyState === ReadyState.CLOSED) return;
    this.#readyState = ReadyState.CLOSING;
    this.#decoder.stop();
    this.#deflate?.close();
    this.#socket.destroy();
  }

  pause(): void {
    this.#flags |= PAUSED;
    this.#socket.pause();
  }

  resume(): void {
    this.#flags &= ~PAUSED;
    if ((this.#flags & STARTED) !== 0 && !this.#decoder.held) this.#socket.resume();
  }

  // FrameSink: the decoder's callbacks.

  onHeader(header: FrameHeader): void {
    this.#assembler.onHeader(header);
  }

  onFrame(header: FrameHeader, payload: Buffer): void {
    // A compressed frame is reported once inflated (onFrameInflated), with both sizes.
    if (this.#observer !== undefined && !this.#assembler.isCompressed(header)) {
      this.#observer(receivedFrameInfo(header, payload, undefined));
    }
    this.#assembler.onFrame(header, payload);
  }

  // MessageSink and DeflateHost: a compressed frame is inflated while later frames wait.

  onCompressedFrame(header: FrameHeader, payload: Buffer): void {
    this.#decoder.hold();
    this.#socket.pause();
    this.#deflate!.inflate(header, payload);
  }

  onInflated(chunk: Buffer): void {
    this.#assembler.addInflated(chunk);
  }

  onFrameInflated(header: FrameHeader, inflatedLength: number, head: Buffer): void {
    if (this.#observer !== undefined)
      this.#observer(receivedFrameInfo(header, head, inflatedLength));
    try {
      this.#assembler.endCompressedFrame(header.fin);
      this.#decoder.release();
    } catch (err) {
      if (!(err instanceof WsProtocolError)) throw err;
      this.#fail(err);
      return;
    }
    if (this.#decoder.held || this.#readyState === ReadyState.CLOSED) return;
    if ((this.#flags & PEER_ENDED) !== 0) this.#onEnd();
    else if ((this.#flags & PAUSED) === 0) this.#socket.resume();
  }

  onDeflateError(err: WsProtocolError): void {
    this.#fail(err);
  }

  /** Writes one frame produced by the deflate FIFO. */
  writeFrame(
    opcode: Opcode,
    payload: Buffer | string,
    fin: boolean,
    rsv1: boolean,
    original: Buffer | string | undefined,
  ): void {
    if (!this.#socket.writable) return;
    this.#writeFrame(opcode, payload, fin, rsv1, original);
  }

  onDrain(): void {
    this.#owner.emit('drain');
  }

  // MessageSink: the assembler's callbacks.

  onMessage(data: Buffer | string, isBinary: boolean): void {
    this.#owner.emit('message', data, isBinary);
  }

  onPing(payload: Buffer): void {
    if ((this.#flags & CLOSE_SENT) === 0 && this.#socket.writable) {
      if (this.#deflate === undefined) this.#writeFrame(Opcode.Pong, payload, true, false);
      else this.#deflate.sendControl(Opcode.Pong, payload);
    }
    this.#owner.emit('ping', payload);
  }

  onPong(payload: Buffer): void {
    this.#settings.monitor?.onPong(this.#owner, payload);
    this.#owner.emit('pong', payload);
  }

  /** RFC 6455 §5.5.1: echo the peer's close code, then close TCP once both close frames passed. */
  onClose(code: number, reason: string): void {
    this.#closeReceived = { code, reason };
    this.#decoder.stop();
    if ((this.#flags & CLOSE_SENT) === 0) {
      this.#sendClose(encodeClosePayload(code === CloseCode.NoStatus ? undefined : code));
    } else {
      this.#end();
    }
  }

  #start(head: Buffer | undefined): void {
    this.#flags |= STARTED;
    if (this.#readyState === ReadyState.CLOSED) return;
    this.#owner.emit('open');
    if (head !== undefined && head.length > 0) this.#receive(head);
    if ((this.#flags & PAUSED) === 0) this.#socket.resume();
  }

  #receive(chunk: Buffer): void {
    try {
      this.#decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof WsProtocolError)) throw err;
      this.#fail(err);
    }
  }

  /** Writes one frame now; false when the socket's buffer is full (backpressure). */
  #writeFrame(
    opcode: Opcode,
    payload: Buffer | string,
    fin: boolean,
    rsv1: boolean,
    original?: Buffer | string,
  ): boolean {
    const masked = this.#settings.role === 'client';
    if (this.#observer !== undefined)
      this.#observer(sentFrameInfo(opcode, payload, fin, rsv1, masked, original));
    return writeFrame(this.#socket, opcode, payload, fin, rsv1, masked);
  }

  #sendClose(payload: Buffer): void {
    this.#flags |= CLOSE_SENT;
    this.#readyState = ReadyState.CLOSING;
    if (!this.#socket.writable) return;
    if (this.#deflate === undefined) this.#writeFrame(Opcode.Close, payload, true, false);
    else this.#deflate.sendControl(Opcode.Close, payload);
    if (this.#closeReceived !== undefined) this.#end();
    this.#closeTimer ??= setTimeout(destroySocket, this.#settings.closeTimeout, this.#socket);
  }

  /** Ends TCP once every queued frame is written. */
  #end(): void {
    if (this.#deflate === undefined) this.#socket.end();
    else this.#deflate.end();
  }

  #onSocketDrain(): void {
    // With frames still waiting for compression, `drain` waits for the FIFO to empty.
    if (this.#deflate === undefined || this.#deflate.socketDrained()) this.#owner.emit('drain');
  }

  /** "Fail the WebSocket connection" (RFC 6455 §7.1.7): close frame with the error's code, then TCP close. */
  #fail(err: WsProtocolError): void {
    this.#decoder.stop();
    this.#deflate?.close(); // nothing queued is sent after the failure's close frame
    if ((this.#flags & CLOSE_SENT) === 0) {
      this.#sendClose(encodeClosePayload(err.closeCode, truncateReason(err.message)));
    }
    this.#socket.end();
    this.#settings.monitor?.onError(this.#owner, err);
    // A remote peer must not be able to crash a process that did not listen: without an
    // 'error' listener the failure is still visible as the 'close' event (1006).
    if (this.#owner.listenerCount('error') > 0) this.#owner.emit('error', err);
  }

  #onEnd(): void {
    // A paused socket still reports the FIN: while an inflation holds frames (maybe the peer's
    // close frame among them), those are handled first (onFrameInflated comes back here).
    if (this.#decoder.held) {
      this.#flags |= PEER_ENDED;
      return;
    }
    // The peer closed its side of TCP; close ours once the frames queued for it are written.
    if (this.#readyState === ReadyState.OPEN) this.#readyState = ReadyState.CLOSING;
    this.#decoder.stop();
    this.#end();
  }

  #onSocketClose(): void {
    clearTimeout(this.#closeTimer);
    this.#decoder.stop();
    this.#deflate?.close();
    this.#readyState = ReadyState.CLOSED;
    const code = this.#closeReceived?.code ?? CloseCode.Abnormal;
    const reason = this.#closeReceived?.reason ?? '';
    this.#settings.monitor?.onClose(this.#owner, code, reason);
    this.#owner.emit('close', code, reason);
  }
}
