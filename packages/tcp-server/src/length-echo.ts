import type { Socket } from 'node:net';
import type { Logger } from 'common';
import { discardInput, watchSocket, type ConnectionHandle } from './connection.ts';
import { ERROR_LINGER_MS } from './constants.ts';
import type { FramingError } from './errors.ts';
import { logFramingError } from './framed.ts';
import { LIMITS } from './limits.ts';
import { LengthPrefixedSplitter } from './protocol/length-prefixed-splitter.ts';

/** Options of {@link handleLengthEchoConnection}. */
export interface LengthEchoOptions {
  /** Per-connection logger (see common's `connectionLogger`). */
  logger: Logger;
  /** Largest payload a header may declare, in bytes. Default 16 MiB (`LIMITS.maxPayload`). */
  maxPayload?: number;
  /** Idle timeout in ms (0 = never). Default 60 000. */
  idleTimeout?: number;
}

/**
 * The `length` echo. The echo of a frame is the frame's own bytes, so nothing is decoded or
 * re-encoded: a {@link LengthPrefixedSplitter} cuts the input at frame boundaries and the
 * frames go back as views of the chunks they arrived in, one `write()` for all the frames a
 * chunk completes (a frame spanning chunks adds the views it began in, written together with
 * `cork()`: one `writev`). The wire behaviour is the decode → encode chain's: each frame is
 * echoed whole or not at all, a header over `maxPayload` closes the connection before any of
 * its payload is held (frames before it are still echoed), a frame cut short by the peer's FIN
 * is logged as `ERR_UNEXPECTED_EOF` and not echoed.
 *
 * Backpressure as `pipe` does it: when `write()` returns false, reading pauses until `drain`.
 * Memory per connection: the frame in progress (at most `maxPayload + 4` bytes, held as views
 * of the chunks), then the same bytes in the socket's write queue until the kernel takes them,
 * plus at most one chunk read before the pause.
 */
export function handleLengthEchoConnection(
  socket: Socket,
  opts: LengthEchoOptions,
): ConnectionHandle {
  const { logger } = opts;
  watchSocket(socket, logger, opts.idleTimeout ?? LIMITS.idleTimeout.default);
  const splitter = new LengthPrefixedSplitter({ maxPayload: opts.maxPayload });

  const onData = (chunk: Buffer): void => {
    // A frame completing from held pieces yields several views: one writev, not one write each.
    const corked = splitter.buffered > 0;
    if (corked) socket.cork();
    let flowing = true;
    try {
      for (const frames of splitter.push(chunk)) flowing = socket.write(frames);
    } catch (err) {
      if (corked) socket.uncork();
      fail(err as FramingError);
      return;
    }
    if (corked) socket.uncork();
    if (!flowing) socket.pause();
  };
  const onDrain = (): void => {
    socket.resume();
  };
  const stopInput = (): void => {
    socket.off('data', onData);
    socket.off('drain', onDrain);
    socket.off('end', onEnd);
  };
  /** No more input: a partial frame left is an error; our FIN follows the last echo. */
  const finish = (): void => {
    stopInput();
    let lingerMs: number | undefined;
    try {
      splitter.end();
    } catch (err) {
      logFramingError(logger, err as FramingError, 'length');
      lingerMs = ERROR_LINGER_MS;
    }
    socket.end();
    discardInput(socket, lingerMs);
  };
  const onEnd = (): void => finish();
  const fail = (err: FramingError): void => {
    logFramingError(logger, err, 'length');
    stopInput();
    socket.end(); // after the frames before the bad header
    discardInput(socket, ERROR_LINGER_MS);
  };
  socket.on('data', onData);
  socket.on('drain', onDrain);
  socket.once('end', onEnd);

  let ended = false;
  return {
    socket,
    end() {
      if (ended || socket.destroyed || socket.writableEnded) return;
      ended = true;
      finish();
    },
  };
}
