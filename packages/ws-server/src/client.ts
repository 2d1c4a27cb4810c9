/**
 * `connect(url)`: the Node client (the book's `WebSocket` constructor over `http.request` and
 * the `upgrade` event, §7.4.1), fixed to validate `Sec-WebSocket-Accept` (RFC 6455 §4.1).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { InvalidArgumentError, resolveLimits, type LimitOptions } from 'common';
import { CloseCode, PERMESSAGE_DEFLATE } from './constants.ts';
import {
  resolveDeflateOptions,
  type DeflateSettings,
  type PerMessageDeflateOptions,
} from './deflate/options.ts';
import type { NegotiatedDeflate } from './deflate/per-message-deflate.ts';
import { HandshakeError } from './errors.ts';
import { CLIENT_LIMITS } from './limits.ts';
import { formatExtension, parseExtensions } from './protocol/extensions.ts';
import {
  clientRequestHeaders,
  createClientKey,
  header,
  validateUpgradeResponse,
  type UpgradeResponse,
} from './protocol/handshake.ts';
import { acceptDeflateResponse, deflateOffer } from './protocol/permessage-deflate.ts';
import { WebSocket } from './websocket.ts';

/**
 * Options of {@link connect}. The limits take their defaults and bounds from `CLIENT_LIMITS` in
 * `limits.ts`, the table the `client` command's flags read too.
 */
export interface ConnectOptions extends LimitOptions<typeof CLIENT_LIMITS> {
  /** Subprotocols to offer, in order of preference. Default none. */
  protocols?: readonly string[];
  /** Largest message accepted, in bytes. Default 16 MiB (→ close 1009). */
  maxPayload?: number | undefined;
  /** Time for the TCP connect and the 101 response, in ms. Default 10 000. */
  handshakeTimeout?: number | undefined;
  /** Wait for the server's close after ours, in ms. Default 5000. */
  closeTimeout?: number | undefined;
  /** Extra request headers (e.g. `Origin`, `Authorization`). */
  headers?: Record<string, string>;
  /**
   * Offer permessage-deflate (RFC 7692): `true` for the defaults, an object to tune it
   * (`required: true` closes with 1010 when the server declines). Default off.
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
}

/**
 * The client's side of permessage-deflate: what the server's answer agreed to, or undefined.
 *
 * @throws {HandshakeError} `ERR_WS_BAD_EXTENSION` (101) for an answer the offer did not allow.
 */
function agreedDeflate(
  res: UpgradeResponse,
  settings: DeflateSettings | undefined,
): NegotiatedDeflate | undefined {
  if (settings === undefined) return undefined;
  const value = header(res.headers, 'sec-websocket-extensions');
  let params;
  try {
    params = acceptDeflateResponse(parseExtensions(value), settings);
  } catch (err) {
    if (!(err instanceof HandshakeError) || err.statusCode === 101) throw err;
    throw new HandshakeError('ERR_WS_BAD_EXTENSION', 101, err.message); // malformed: not a 400 here
  }
  return params === undefined ? undefined : { params, settings, header: value! };
}

/**
 * Opens a WebSocket connection to a `ws://` or `wss://` URL; resolves with an OPEN
 * {@link WebSocket} (client role: every frame it sends is masked).
 *
 * @throws {InvalidArgumentError} (common, as a rejection) `ERR_INVALID_ARG_VALUE` for a URL that
 *   is not ws/wss; `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a limit outside
 *   `CLIENT_LIMITS`, naming the option.
 * @throws {HandshakeError} `ERR_WS_UNEXPECTED_RESPONSE` (non-101 status in `statusCode`),
 *   `ERR_WS_BAD_ACCEPT`, `ERR_WS_BAD_PROTOCOL`, … (see `validateUpgradeResponse`),
 *   `ERR_WS_BAD_EXTENSION` (an extension answer the offer did not allow: TCP closed),
 *   `ERR_WS_EXTENSION_DECLINED` (`perMessageDeflate.required` and the server declined: closed
 *   with 1010), `ERR_WS_HANDSHAKE_TIMEOUT`; or the socket's error (`ECONNREFUSED` …).
 */
export async function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocket> {
  const target = new URL(url);
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_VALUE',
      `The argument "url" must be a ws:// or wss:// URL. Received '${target.href}'`,
    );
  }
  const limits = resolveLimits(CLIENT_LIMITS, options);
  const deflate = resolveDeflateOptions(options.perMessageDeflate);
  const offer = deflate === undefined ? undefined : formatExtension(deflateOffer(deflate));
  const protocols = options.protocols ?? [];
  const key = createClientKey();
  const request = target.protocol === 'wss:' ? httpsRequest : httpRequest;
  const timeout = limits.handshakeTimeout;
  return new Promise<WebSocket>((resolve, reject) => {
    const req = request({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port === '' ? (target.protocol === 'wss:' ? 443 : 80) : Number(target.port),
      path: `${target.pathname}${target.search}`,
      method: 'GET',
      headers: {
        Host: target.host,
        ...options.headers,
        ...clientRequestHeaders(key, protocols, offer),
      },
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
      let agreed: NegotiatedDeflate | undefined;
      try {
        protocol = validateUpgradeResponse(res, key, protocols, offer !== undefined);
        agreed = agreedDeflate(res, deflate);
      } catch (err) {
        socket.destroy();
        reject(err);
        return;
      }
      const ws = new WebSocket(socket, {
        role: 'client',
        protocol,
        maxPayload: limits.maxPayload,
        maxFragments: limits.maxFragments,
        maxBufferedChunks: limits.maxBufferedChunks,
        closeTimeout: limits.closeTimeout,
        perMessageDeflate: agreed,
        head,
      });
      if (agreed === undefined && deflate?.required === true) {
        // The connection is established: fail it with 1010 naming the extension (RFC 6455 §7.4.1).
        ws.close(CloseCode.MandatoryExtension, PERMESSAGE_DEFLATE);
        reject(
          new HandshakeError(
            'ERR_WS_EXTENSION_DECLINED',
            101,
            `the server did not accept ${PERMESSAGE_DEFLATE}; closed with 1010`,
          ),
        );
        return;
      }
      resolve(ws);
    });
    req.end();
  });
}
