/**
 * `connect(url)`: the Node client (the book's `WebSocket` constructor over `http.request` and
 * the `upgrade` event, §7.4.1), fixed to validate `Sec-WebSocket-Accept` (RFC 6455 §4.1).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import {
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_MAX_PAYLOAD,
} from './constants.ts';
import { HandshakeError, InvalidArgumentError } from './errors.ts';
import {
  clientRequestHeaders,
  createClientKey,
  validateUpgradeResponse,
} from './protocol/handshake.ts';
import { WebSocket } from './websocket.ts';

export interface ConnectOptions {
  /** Subprotocols to offer, in order of preference. Default none. */
  protocols?: readonly string[];
  /** Largest message accepted, in bytes. Default 16 MiB (→ close 1009). */
  maxPayload?: number;
  /** Time for the TCP connect and the 101 response, in ms. Default 10 000. */
  handshakeTimeout?: number;
  /** Wait for the server's close after ours, in ms. Default 5000. */
  closeTimeout?: number;
  /** Extra request headers (e.g. `Origin`, `Authorization`). */
  headers?: Record<string, string>;
}

/**
 * Opens a WebSocket connection to a `ws://` or `wss://` URL; resolves with an OPEN
 * {@link WebSocket} (client role: every frame it sends is masked).
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_VALUE` for a URL that is not ws/wss or an
 *   option that is not a positive integer.
 * @throws {HandshakeError} `ERR_WS_UNEXPECTED_RESPONSE` (non-101 status in `statusCode`),
 *   `ERR_WS_BAD_ACCEPT`, `ERR_WS_BAD_PROTOCOL`, … (see `validateUpgradeResponse`),
 *   `ERR_WS_HANDSHAKE_TIMEOUT`; or the socket's error (`ECONNREFUSED` …).
 */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocket> {
  const target = new URL(url);
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
    return Promise.reject(
      new InvalidArgumentError(
        'ERR_INVALID_ARG_VALUE',
        `url must be ws:// or wss:// (got ${target.protocol})`,
      ),
    );
  }
  for (const name of ['maxPayload', 'handshakeTimeout', 'closeTimeout'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      return Promise.reject(
        new InvalidArgumentError(
          'ERR_INVALID_ARG_VALUE',
          `options.${name} must be a positive integer (got ${String(value)})`,
        ),
      );
    }
  }
  const protocols = options.protocols ?? [];
  const key = createClientKey();
  const request = target.protocol === 'wss:' ? httpsRequest : httpRequest;
  const timeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  return new Promise<WebSocket>((resolve, reject) => {
    const req = request({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port === '' ? (target.protocol === 'wss:' ? 443 : 80) : Number(target.port),
      path: `${target.pathname}${target.search}`,
      method: 'GET',
      headers: { Host: target.host, ...options.headers, ...clientRequestHeaders(key, protocols) },
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy(
        new HandshakeError('ERR_WS_HANDSHAKE_TIMEOUT', 0, `no 101 response within ${timeout} ms`),
      );
    }, timeout);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      res.resume();
      req.destroy();
      reject(
        new HandshakeError(
          'ERR_WS_UNEXPECTED_RESPONSE',
          res.statusCode ?? 0,
          `unexpected response status ${res.statusCode}`,
        ),
      );
    });
    req.on('upgrade', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      let protocol: string | undefined;
      try {
        protocol = validateUpgradeResponse(res, key, protocols);
      } catch (err) {
        socket.destroy();
        reject(err);
        return;
      }
      resolve(
        new WebSocket(socket, {
          role: 'client',
          protocol,
          maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
          closeTimeout: options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT,
          head,
        }),
      );
    });
    req.end();
  });
}
