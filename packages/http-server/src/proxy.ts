import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { awaitConnect, type Logger } from 'common';
import { HttpError } from './errors.ts';
import { rawResponse } from './protocol/client-error.ts';
import { formatConnectTarget, parseConnectTarget } from './protocol/connect-target.ts';

/** One open CONNECT tunnel: the client's socket and the target's. */
export interface Tunnel {
  client: Duplex;
  upstream: Socket;
}

export interface ConnectHandlerOptions {
  /** Normalized `host:port` targets that may be tunnelled to; empty = CONNECT disabled. */
  allow: readonly string[];
  logger: Logger;
  /** Time allowed to connect to the target, in ms (`tunnelConnectTimeout`); 502 after it. */
  connectTimeout: number;
  /** An open tunnel with no traffic either way is closed after this long, in ms (`tunnelIdleTimeout`). */
  idleTimeout: number;
  /** Called once the tunnel is open (the server keeps it in the connection's state, so that drain can end it). */
  onOpen?: (tunnel: Tunnel) => void;
}

function refuse(socket: Duplex, err: HttpError, reason: string): void {
  socket.end(rawResponse(err.statusCode, reason, `${err.message}\n`));
  socket.once('finish', () => socket.destroy());
}

/**
 * The server's `connect` event (book §7.3.2 events; RFC 9110 §9.3.6): an HTTP proxy tunnel,
 * but never an open proxy. The target must parse as `host:port` (400
 * `ERR_HTTP_INVALID_CONNECT_TARGET` otherwise) and be on the allow-list (403
 * `ERR_HTTP_TUNNEL_FORBIDDEN`). Then: connect to it (502 `ERR_HTTP_TUNNEL_UNREACHABLE` on
 * failure or after `connectTimeout`), answer `200 Connection Established`, forward `head`
 * (bytes the client sent after the CONNECT head) and pipe both ways with backpressure. An idle
 * tunnel is closed after `idleTimeout`; an error or close on either side closes both. Never
 * rejects: every failure is answered or logged.
 */
export async function handleConnect(
  req: Pick<IncomingMessage, 'url'>,
  socket: Duplex,
  head: Buffer,
  opts: ConnectHandlerOptions,
): Promise<void> {
  const { logger } = opts;
  socket.on('error', (err: NodeJS.ErrnoException) =>
    logger.debug({ code: err.code }, 'tunnel client error'),
  );
  const target = parseConnectTarget(req.url ?? '');
  if (target instanceof HttpError) {
    logger.info({ code: target.code, target: req.url }, 'CONNECT refused');
    refuse(socket, target, 'Bad Request');
    return;
  }
  const name = formatConnectTarget(target);
  if (!opts.allow.includes(name)) {
    const forbidden = new HttpError(
      'ERR_HTTP_TUNNEL_FORBIDDEN',
      403,
      opts.allow.length === 0
        ? 'CONNECT is disabled (see --proxy-allow)'
        : `${name} is not in --proxy-allow`,
    );
    logger.info({ code: forbidden.code, target: name }, 'CONNECT refused');
    refuse(socket, forbidden, 'Forbidden');
    return;
  }

  const upstream = connect({ host: target.host, port: target.port });
  let open = false;
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    if (!open) return; // before the tunnel opened, awaitConnect reports it
    logger.debug({ code: err.code, target: name }, 'tunnel upstream error');
    socket.destroy();
  });
  try {
    await awaitConnect(upstream, { timeoutMs: opts.connectTimeout, target });
  } catch (err) {
    const cause = err as NodeJS.ErrnoException;
    const unreachable = new HttpError(
      'ERR_HTTP_TUNNEL_UNREACHABLE',
      502,
      `cannot reach ${name}: ${cause.code ?? cause.message}`,
      { cause },
    );
    logger.info({ code: unreachable.code, cause: cause.code, target: name }, 'CONNECT failed');
    refuse(socket, unreachable, 'Bad Gateway');
    return;
  }
  if (socket.destroyed) {
    upstream.destroy(); // the client left while the target was still connecting
    return;
  }
  open = true;
  upstream.setTimeout(opts.idleTimeout, () => upstream.destroy());
  const close = (): void => {
    socket.destroy();
    upstream.destroy();
  };
  upstream.once('close', close);
  socket.once('close', close);
  opts.onOpen?.({ client: socket, upstream });
  logger.info({ target: name }, 'CONNECT tunnel open');
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) upstream.write(head);
  socket.pipe(upstream);
  upstream.pipe(socket);
}
