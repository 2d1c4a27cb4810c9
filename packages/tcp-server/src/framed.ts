import type { Socket } from 'node:net';
import type { Logger } from 'common';
import { discardInput, watchSocket, type ConnectionHandle } from './connection.ts';
import { ERROR_LINGER_MS, STAGE_BUFFER_BYTES } from './constants.ts';
import type { FramingError } from './errors.ts';
import {
  createDecoder,
  createEncoder,
  DecodeStream,
  EncodeStream,
  messageHighWaterMark,
  type CodecFraming,
  type CodecOptions,
} from './framing-stream.ts';
import { LIMITS } from './limits.ts';

/** Options of {@link handleFramedConnection}. */
export interface FramedConnectionOptions extends CodecOptions {
  framing: CodecFraming;
  /** Per-connection logger (see common's `connectionLogger`). */
  logger: Logger;
  /** Idle timeout in ms (0 = never). Default 60 000. */
  idleTimeout?: number;
}

/**
 * Echoes decoded messages re-encoded in the same framing: socket → {@link DecodeStream} →
 * {@link EncodeStream} → socket, joined with `pipe`, which honours `write()` returning false
 * at each step (backpressure: a client that sends without reading stalls in its own kernel
 * buffers, not in our memory).
 *
 * Not `pipeline`: it would destroy the socket on a decoder error and lose what must still be
 * written. On a framing error (`ERR_MESSAGE_TOO_LONG`, `ERR_FRAME_TOO_LARGE`,
 * `ERR_UNEXPECTED_EOF`) the error is logged, input stops, the echoes already decoded are
 * flushed, `line` mode adds exactly one `ERR <code> <message>` line, and our side is ended.
 * The peer's half-close is answered by ending ours after the last echo.
 */
export function handleFramedConnection(
  socket: Socket,
  opts: FramedConnectionOptions,
): ConnectionHandle {
  const { logger, framing } = opts;
  watchSocket(socket, logger, opts.idleTimeout ?? LIMITS.idleTimeout.default);
  // Each stage buffers ~STAGE_BUFFER_BYTES of maximum-size messages, at least one.
  const highWaterMark = messageHighWaterMark(framing, opts, STAGE_BUFFER_BYTES);
  const decoder = new DecodeStream(createDecoder(framing, opts), { highWaterMark });
  const encoder = new EncodeStream(createEncoder(framing, opts), { highWaterMark });
  socket.pipe(decoder).pipe(encoder).pipe(socket, { end: false });
  // Our FIN goes out after the last echo (and, after an error in `line` mode, the ERR line,
  // written directly so that no maxMessage can refuse it).
  let reply: Buffer | undefined;
  encoder.once('end', () => {
    if (socket.destroyed) return;
    if (reply !== undefined) socket.write(reply);
    socket.end();
  });

  decoder.on('error', (err: FramingError) => {
    logFramingError(logger, err, framing);
    socket.unpipe(decoder);
    decoder.unpipe(encoder);
    if (framing === 'line' && err.code !== 'ERR_UNEXPECTED_EOF')
      reply = Buffer.from(`ERR ${err.code} ${err.message}\n`);
    encoder.end(); // flushes the echoes already decoded, then our FIN
    discardInput(socket, ERROR_LINGER_MS);
  });
  encoder.on('error', (err: Error) => {
    logger.error({ err }, 'encoder error; closing connection');
    socket.destroy();
  });
  socket.once('close', () => {
    decoder.destroy();
    encoder.destroy();
  });

  let ended = false;
  return {
    socket,
    end() {
      if (ended || socket.destroyed) return;
      ended = true;
      // Stop reading; what was decoded still flows through the encoder, then our FIN.
      socket.unpipe(decoder);
      if (!decoder.writableEnded && !decoder.destroyed) decoder.end();
      discardInput(socket);
    },
  };
}

/** Logs a framing error at warn, with its code and its size fields; the connection then closes. */
export function logFramingError(logger: Logger, err: FramingError, framing: CodecFraming): void {
  logger.warn(
    { err: errorFields(err), framing },
    `framing error: ${err.message}; closing connection`,
  );
}

function errorFields(err: FramingError): Record<string, unknown> {
  const fields: Record<string, unknown> = { code: err.code };
  for (const key of ['size', 'declared', 'limit'] as const)
    if (key in err) fields[key] = (err as unknown as Record<string, unknown>)[key];
  return fields;
}
