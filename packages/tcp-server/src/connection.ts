import type { Socket } from 'node:net';
import type { Logger } from 'common';
import { LIMITS } from './limits.ts';

/** What the server keeps per open connection, to end it gracefully at shutdown. */
export interface ConnectionHandle {
  readonly socket: Socket;
  /**
   * Half-closes gracefully: stops taking new input, lets everything already echoed flush,
   * then ends our side (FIN). The socket closes once the peer ends too (or the idle timeout).
   */
  end(): void;
}

/**
 * Connection-level events of §7.1, logged through `logger` (a `connectionLogger` child): data
 * sizes at debug, `end`, `error`, `close`, and the idle timeout: `socket.setTimeout(ms)` plus
 * the `timeout` event, which destroys a connection with no traffic in either direction for
 * `idleTimeout` ms (0 = never). A socket error is logged and closes only this socket.
 */
export function watchSocket(
  socket: Socket,
  logger: Logger,
  idleTimeout: number = LIMITS.idleTimeout.default,
): void {
  if (idleTimeout > 0) {
    socket.setTimeout(idleTimeout);
    socket.on('timeout', () => {
      logger.info({ idleTimeoutMs: idleTimeout }, 'idle timeout: closing connection');
      socket.destroy();
    });
  }
  if (logger.isLevelEnabled('debug')) {
    socket.on('data', (chunk: Buffer) => logger.debug({ bytes: chunk.length }, 'data'));
  }
  socket.on('error', (err: NodeJS.ErrnoException) => {
    logger.warn({ err: { code: err.code, message: err.message } }, 'connection error');
  });
  socket.on('end', () => logger.debug('peer ended its side (half-close)'));
  socket.on('close', (hadError) =>
    logger.info(
      { hadError, bytesRead: socket.bytesRead, bytesWritten: socket.bytesWritten },
      'connection closed',
    ),
  );
}

/**
 * After our side ended (or is about to, once flushed), keep reading and discarding what the
 * peer still sends: unread input makes the kernel answer with an RST, which can destroy our
 * last reply in flight, and reading is how we see the peer's FIN and close. With
 * `lingerMs`, destroy the socket if the peer has not closed by then.
 */
export function discardInput(socket: Socket, lingerMs?: number): void {
  socket.on('data', discard);
  socket.resume();
  if (lingerMs === undefined) return;
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function discard(): void {
  // Input after our end is dropped.
}
