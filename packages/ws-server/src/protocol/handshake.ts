/**
 * The opening handshake (RFC 6455 §4): server-side validation of the upgrade request and the
 * 101 response; client-side request headers and validation of the 101 response. Pure apart
 * from hashing (SHA-1 of node:crypto) and drawing the client's random key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GUID, KEY_BYTES, WS_VERSION } from '../constants.ts';
import { HandshakeError, type HandshakeErrorCode } from '../errors.ts';
import { isToken } from './token.ts';

export { isToken } from './token.ts';

/** Header values as node:http gives them (lower-case names). */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** The parts of an HTTP request the handshake looks at. */
export interface UpgradeRequest {
  method?: string | undefined;
  httpVersion: string;
  headers: Headers;
}

export interface AcceptOptions {
  /** Subprotocols the server speaks, in no particular order. */
  protocols: readonly string[];
  /** When set, an `Origin` header must be one of these (exact, e.g. `http://localhost:12010`) → else 403. */
  allowedOrigins?: readonly string[] | undefined;
}

/** What a valid upgrade request negotiated. */
export interface AcceptedHandshake {
  key: string;
  /** The selected subprotocol, or undefined when none. */
  protocol: string | undefined;
  /** The `Sec-WebSocket-Extensions` response value (the server's choice), when any. */
  extensions?: string | undefined;
}

/** `Sec-WebSocket-Accept` for a key: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2 step 5.4). */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** 22 base64 characters and `==`: exactly 16 bytes (RFC 6455 §4.1 item 7). */
const KEY_PATTERN = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/** A header's value, several lines joined with `, ` (one list, RFC 7230 §3.2.2). */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Splits a comma-separated header into trimmed, non-empty elements. */
export function tokenList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function bad(code: HandshakeErrorCode, message: string): HandshakeError {
  return new HandshakeError(code, 400, message);
}

/**
 * Validates an upgrade request (RFC 6455 §4.2.1) and negotiates the subprotocol: the first
 * protocol in the client's list that the server supports, or none (a server never selects a
 * protocol the client did not offer, §4.2.2).
 *
 * @throws {HandshakeError} 400 `ERR_WS_BAD_METHOD`, `ERR_WS_BAD_HTTP_VERSION`,
 *   `ERR_WS_BAD_UPGRADE`, `ERR_WS_BAD_CONNECTION`, `ERR_WS_BAD_KEY`, `ERR_WS_BAD_PROTOCOL`;
 *   426 `ERR_WS_BAD_VERSION` (with `Sec-WebSocket-Version: 13`); 403 `ERR_WS_ORIGIN_FORBIDDEN`.
 */
export function validateUpgradeRequest(
  req: UpgradeRequest,
  options: AcceptOptions,
): AcceptedHandshake {
  if (req.method !== 'GET')
    throw bad('ERR_WS_BAD_METHOD', 'the method of an upgrade request must be GET');
  const [major, minor] = req.httpVersion.split('.').map(Number);
  if (major !== 1 || minor === undefined || !(minor >= 1)) {
    throw bad('ERR_WS_BAD_HTTP_VERSION', 'an upgrade request must be HTTP/1.1 or later');
  }
  const upgrade = tokenList(header(req.headers, 'upgrade')).map((s) => s.toLowerCase());
  if (!upgrade.includes('websocket'))
    throw bad('ERR_WS_BAD_UPGRADE', 'missing "Upgrade: websocket"');
  const connection = tokenList(header(req.headers, 'connection')).map((s) => s.toLowerCase());
  if (!connection.includes('upgrade'))
    throw bad('ERR_WS_BAD_CONNECTION', 'the Connection header must contain "Upgrade"');
  const key = header(req.headers, 'sec-websocket-key')?.trim();
  if (key === undefined || !KEY_PATTERN.test(key)) {
    throw bad('ERR_WS_BAD_KEY', `Sec-WebSocket-Key must be the base64 of ${KEY_BYTES} bytes`);
  }
  const version = header(req.headers, 'sec-websocket-version')?.trim();
  if (version !== WS_VERSION) {
    throw new HandshakeError(
      'ERR_WS_BAD_VERSION',
      426,
      `unsupported Sec-WebSocket-Version (this server speaks ${WS_VERSION})`,
      {
        'Sec-WebSocket-Version': WS_VERSION,
      },
    );
  }
  if (options.allowedOrigins !== undefined) {
    const origin = header(req.headers, 'origin');
    if (origin !== undefined && !options.allowedOrigins.includes(origin)) {
      throw new HandshakeError('ERR_WS_ORIGIN_FORBIDDEN', 403, `origin ${origin} is not allowed`);
    }
  }
  const offered = tokenList(header(req.headers, 'sec-websocket-protocol'));
  if (offered.some((p) => !isToken(p)) || new Set(offered).size !== offered.length) {
    throw bad('ERR_WS_BAD_PROTOCOL', 'Sec-WebSocket-Protocol must be a list of distinct tokens');
  }
  const protocol = offered.find((p) => options.protocols.includes(p));
  return { key, protocol };
}

/** The 101 response (RFC 6455 §4.2.2 step 5), as bytes to write on the socket. */
export function switchingProtocolsResponse(accepted: AcceptedHandshake): string {
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptKey(accepted.key)}`,
  ];
  if (accepted.protocol !== undefined) lines.push(`Sec-WebSocket-Protocol: ${accepted.protocol}`);
  if (accepted.extensions !== undefined)
    lines.push(`Sec-WebSocket-Extensions: ${accepted.extensions}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A complete HTTP error response for a failed handshake (the connection is then closed). */
export function handshakeErrorResponse(err: HandshakeError, reasonPhrase: string): string {
  const body = `${err.message}\n`;
  const lines = [
    `HTTP/1.1 ${err.statusCode} ${reasonPhrase}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(err.headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A fresh `Sec-WebSocket-Key`: 16 random bytes, base64 (RFC 6455 §4.1 item 7). */
export function createClientKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** The WebSocket headers of a client's upgrade request (RFC 6455 §4.1); `extensions`: the offer. */
export function clientRequestHeaders(
  key: string,
  protocols: readonly string[],
  extensions?: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': WS_VERSION,
  };
  if (protocols.length > 0) headers['Sec-WebSocket-Protocol'] = protocols.join(', ');
  if (extensions !== undefined) headers['Sec-WebSocket-Extensions'] = extensions;
  return headers;
}

/** The parts of a 101 response the client checks. */
export interface UpgradeResponse {
  statusCode?: number | undefined;
  headers: Headers;
}

/**
 * Validates the server's response (RFC 6455 §4.1, "the client MUST fail the connection if"):
 * status 101, `Upgrade: websocket`, `Connection: upgrade`, `Sec-WebSocket-Accept` equal to
 * {@link acceptKey}(key), no extension unless `extensionsOffered` (the caller then checks
 * them against its offer), a subprotocol only if offered. Returns the selected subprotocol.
 *
 * @throws {HandshakeError} `ERR_WS_UNEXPECTED_RESPONSE` (statusCode = the status received),
 *   `ERR_WS_BAD_UPGRADE`, `ERR_WS_BAD_CONNECTION`, `ERR_WS_BAD_ACCEPT`, `ERR_WS_BAD_EXTENSION`,
 *   `ERR_WS_BAD_PROTOCOL`.
 */
export function validateUpgradeResponse(
  res: UpgradeResponse,
  key: string,
  offered: readonly string[],
  extensionsOffered = false,
): string | undefined {
  const status = res.statusCode ?? 0;
  if (status !== 101)
    throw new HandshakeError(
      'ERR_WS_UNEXPECTED_RESPONSE',
      status,
      `unexpected response status ${status}`,
    );
  const fail = (code: HandshakeErrorCode, message: string): HandshakeError =>
    new HandshakeError(code, status, message);
  if (!tokenList(header(res.headers, 'upgrade')).some((s) => s.toLowerCase() === 'websocket')) {
    throw fail('ERR_WS_BAD_UPGRADE', 'response lacks "Upgrade: websocket"');
  }
  if (!tokenList(header(res.headers, 'connection')).some((s) => s.toLowerCase() === 'upgrade')) {
    throw fail('ERR_WS_BAD_CONNECTION', 'response lacks "Connection: Upgrade"');
  }
  if (header(res.headers, 'sec-websocket-accept')?.trim() !== acceptKey(key)) {
    throw fail('ERR_WS_BAD_ACCEPT', 'Sec-WebSocket-Accept does not match the key sent');
  }
  if (!extensionsOffered && header(res.headers, 'sec-websocket-extensions') !== undefined) {
    throw fail('ERR_WS_BAD_EXTENSION', 'server selected an extension the client did not offer');
  }
  const selected = header(res.headers, 'sec-websocket-protocol')?.trim();
  if (selected === undefined || selected === '') return undefined;
  if (!offered.includes(selected)) {
    throw fail(
      'ERR_WS_BAD_PROTOCOL',
      `server selected subprotocol ${selected}, which was not offered`,
    );
  }
  return selected;
}
