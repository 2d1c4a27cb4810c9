/**
 * Plumbing between a socket, the protocol decoders and a {@link WebSocket}, written to cost as
 * little memory per connection as possible: shared listener functions (they find their
 * connection through a symbol on the socket) and one small {@link Receiver} object, instead of
 * closures per connection.
 */
import type { Socket } from 'node:net';
import type { FrameHeader, FrameSink } from './protocol/frame-decoder.ts';
import { MessageAssembler, type MessageSink } from './protocol/message-assembler.ts';
import type { WebSocket } from './websocket.ts';

/** Access to a connection's private handlers for {@link Receiver} (set in WebSocket's static block). */
let internals: ConnectionInternals;

/** The private handlers of a connection, reachable from the shared listeners below. */
export interface ConnectionInternals {
  onData(ws: WebSocket, chunk: Buffer): void;
  onEnd(ws: WebSocket): void;
  onSocketClose(ws: WebSocket): void;
  onFrameIn(ws: WebSocket, header: FrameHeader, payload: Buffer): void;
  onPing(ws: WebSocket, payload: Buffer): void;
  onClose(ws: WebSocket, code: number, reason: string): void;
}

/** Called once, from WebSocket's static block. */
export function registerInternals(value: ConnectionInternals): void {
  internals = value;
}

/** The connection that owns a socket, for the shared socket listeners below. */
const kWebSocket = Symbol('netlab.websocket');
type OwnedSocket = Socket & { [kWebSocket]: WebSocket };

function socketOnData(this: OwnedSocket, chunk: Buffer): void {
  internals.onData(this[kWebSocket], chunk);
}
function socketOnEnd(this: OwnedSocket): void {
  internals.onEnd(this[kWebSocket]);
}
function socketOnClose(this: OwnedSocket): void {
  internals.onSocketClose(this[kWebSocket]);
}
function socketOnDrain(this: OwnedSocket): void {
  this[kWebSocket].emit('drain');
}
/** A reset or write error: the 'close' that follows reports 1006. */
function socketOnError(this: OwnedSocket): void {
  this.destroy();
}

/** Attaches the shared socket listeners for `ws`. */
export function attachSocket(socket: Socket, ws: WebSocket): void {
  (socket as OwnedSocket)[kWebSocket] = ws;
  socket.on('data', socketOnData);
  socket.on('end', socketOnEnd);
  socket.on('close', socketOnClose);
  socket.on('drain', socketOnDrain);
  socket.on('error', socketOnError);
}

/**
 * Routes the decoder's and the assembler's callbacks to one connection. A class with prototype
 * methods rather than an object of arrow functions: per-connection closures with names cost
 * ~300 bytes each under tsx (measured with 10,000 idle connections).
 */
export class Receiver implements FrameSink, MessageSink {
  readonly #ws: WebSocket;
  readonly #assembler: MessageAssembler;

  constructor(ws: WebSocket, maxPayload: number) {
    this.#ws = ws;
    this.#assembler = new MessageAssembler(this, { maxPayload });
  }

  onHeader(header: FrameHeader): void {
    this.#assembler.onHeader(header);
  }

  onFrame(header: FrameHeader, payload: Buffer): void {
    internals.onFrameIn(this.#ws, header, payload);
    this.#assembler.onFrame(header, payload);
  }

  onMessage(data: Buffer | string, isBinary: boolean): void {
    this.#ws.emit('message', data, isBinary);
  }

  onPing(payload: Buffer): void {
    internals.onPing(this.#ws, payload);
  }

  onPong(payload: Buffer): void {
    this.#ws.emit('pong', payload);
  }

  onClose(code: number, reason: string): void {
    internals.onClose(this.#ws, code, reason);
  }
}
