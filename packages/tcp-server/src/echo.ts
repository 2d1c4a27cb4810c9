import type { Socket } from 'node:net';
import type { Logger } from 'common';
import { discardInput, watchSocket, type ConnectionHandle } from './connection.ts';
import { LIMITS } from './limits.ts';

/** Options of {@link handleEchoConnection}. */
export interface EchoConnectionOptions {
  /** Per-connection logger (see common's `connectionLogger`). */
  logger: Logger;
  /**
   * Closes a connection with no traffic in either direction for this long, in ms (0 = never).
   * Uses `socket.setTimeout` and the `timeout` event (§7.1). Default 60 000.
   */
  idleTimeout?: number;
  /** Written once before echoing starts (the book's `welcome!`/greeting line). */
  greeting?: string;
}

/**
 * The §7.1 "pipe" echo: `socket.pipe(socket)`. Every byte goes back unchanged, and `pipe`
 * gives backpressure for free: when the peer stops reading, `write()` returns false, `pipe`
 * pauses reading, the kernel buffers fill and TCP flow control slows the sender, so a client
 * that sends without reading cannot grow this process's memory.
 *
 * The peer's half-close (`end`) is answered by ending our side once everything was echoed,
 * which needs the server created with `allowHalfOpen: true` (otherwise Node ends our side at
 * once, and echo bytes still in flight hit "write after end"). Works for `net.Socket` and
 * `tls.TLSSocket` alike. Events are logged (data sizes at debug); errors close only this
 * connection.
 *
 * @returns a handle whose `end()` stops echoing and half-closes after the flush (graceful
 *   shutdown).
 */
export function handleEchoConnection(
  socket: Socket,
  opts: EchoConnectionOptions,
): ConnectionHandle {
  watchSocket(socket, opts.logger, opts.idleTimeout ?? LIMITS.idleTimeout.default);
  if (opts.greeting !== undefined) socket.write(opts.greeting);
  socket.pipe(socket);
  return {
    socket,
    end() {
      if (socket.writableEnded || socket.destroyed) return;
      socket.unpipe(socket);
      socket.end();
      discardInput(socket);
    },
  };
}
