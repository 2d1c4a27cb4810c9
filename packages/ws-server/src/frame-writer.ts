/**
 * Writing frames to a socket, batched: every frame written in one turn of the event loop leaves
 * in one `writev` at its end (a read of 30 small frames answered by 30 echoes is one system
 * call, not 30; `ws` makes one per frame). While a connection handles a chunk it has corked
 * the socket already; otherwise the first frame corks it until the next tick. Corking changes
 * neither the order nor the backpressure: `write()` still returns false once the buffered
 * bytes reach the high-water mark.
 */
import type { Socket } from 'node:net';
import type { Opcode } from './constants.ts';
import { encodeFrame } from './protocol/frame-encoder.ts';

/** `EncodeOptions.rsv` with RSV1 set (RSV1 is the highest of the three bits). */
const RSV1 = 0b100;

function uncorkSocket(socket: Socket): void {
  socket.uncork();
}

/**
 * Encodes one frame (masked for `masked`, RSV1 for the first frame of a compressed message)
 * and writes it. Returns false when the socket's buffer is full (backpressure: wait for `drain`).
 */
export function writeFrame(
  socket: Socket,
  opcode: Opcode,
  payload: Buffer | string,
  fin: boolean,
  rsv1: boolean,
  masked: boolean,
): boolean {
  const frames = encodeFrame(opcode, payload, { fin, mask: masked, rsv: rsv1 ? RSV1 : 0 });
  if (socket.writableCorked === 0) {
    socket.cork();
    process.nextTick(uncorkSocket, socket);
  }
  if (frames.length === 1) return socket.write(frames[0]!);
  for (const frame of frames) socket.write(frame);
  return socket.writableLength < socket.writableHighWaterMark;
}
