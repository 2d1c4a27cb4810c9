import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'common';
import { TUNNEL_CONNECT_TIMEOUT, TUNNEL_IDLE_TIMEOUT } from './constants.ts';
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
  /** Open tunnels, so that shutdown can end them. */
  tunnels: Set<Tunnel>;
}

function refuse(socket: Duplex, statusCode: number, reason: string, message: string): void {
  socket.end(rawResponse(statusCode, reason, `${message}\n`));
  socket.once('finish', () => socket.destroy());
}

/**
 * The server's `connect` event (book §7.3.2 events; RFC 9110 §9.3.6): an HTTP proxy tunnel,
 * but never an open proxy. The target must parse as `host:port` (400 otherwise) and be on the
 * allow-list (403 otherwise). Then: connect to it (502 on failure or after
 * {@link TUNNEL_CONNECT_TIMEOUT}), answer `200 Connection Established`, forward `head` (bytes
 * the client sent after the CONNECT head) and pipe both ways with backpressure. An idle tunnel
 * is closed after {@link TUNNEL_IDLE_TIMEOUT}; an error on either side closes both.
 */
export function handleConnect(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  opts: ConnectHandlerOptions,
): void {
  const { logger } = opts;
  socket.on('error', (err: NodeJS.ErrnoException) =>
    logger.debug({ code: err.code }, 'tunnel client error'),
  );
  const target = parseConnectTarget(req.url ?? '');
  if (target instanceof HttpError) {
    logger.info({ code: target.code, target: req.url }, 'CONNECT refused');
    refuse(socket, 400, 'Bad Request', target.message);
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
    refuse(socket, forbidden.statusCode, 'Forbidden', forbidden.message);
    return;
  }
  const upstream = connect({ host: target.host, port: target.port });
  const tunnel: Tunnel = { client: socket, upstream };
  upstream.setTimeout(TUNNEL_CONNECT_TIMEOUT);
  const failEarly = (err: Error & { code?: string }): void => {
    logger.info({ code: err.code, target: name }, 'CONNECT failed');
    upstream.destroy();
    refuse(socket, 502, 'Bad Gateway', `cannot reach ${name}: ${err.code ?? err.message}`);
  };
  const onConnectTimeout = (): void =>
    failEarly(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
  upstream.once('error', failEarly);
  upstream.once('timeout', onConnectTimeout);
  upstream.once('connect', () => {
    upstream.off('error', failEarly);
    upstream.off('timeout', onConnectTimeout);
    upstream.setTimeout(TUNNEL_IDLE_TIMEOUT, () => upstream.destroy());
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      logger.debug({ code: err.code, target: name }, 'tunnel upstream error');
      socket.destroy();
    });
    opts.tunnels.add(tunnel);
    const forget = (): void => {
      opts.tunnels.delete(tunnel);
      socket.destroy();
      upstream.destroy();
    };
    upstream.once('close', forget);
    socket.once('close', forget);
    logger.info({ target: name }, 'CONNECT tunnel open');
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
}
