import { CRLF } from '../constants.ts';

/** The canned answers to a request `node:http` could not parse or did not receive in time. */
export enum ClientErrorStatus {
  BadRequest = 400,
  RequestTimeout = 408,
  HeaderFieldsTooLarge = 431,
}

const REASONS: Record<ClientErrorStatus, string> = {
  [ClientErrorStatus.BadRequest]: 'Bad Request',
  [ClientErrorStatus.RequestTimeout]: 'Request Timeout',
  [ClientErrorStatus.HeaderFieldsTooLarge]: 'Request Header Fields Too Large',
};

/**
 * Maps a `clientError` error code to the status Node core itself would send
 * (`lib/_http_server.js`): `HPE_HEADER_OVERFLOW` → 431 (RFC 6585 §5),
 * `ERR_HTTP_REQUEST_TIMEOUT` (headersTimeout/requestTimeout expired) → 408
 * (RFC 9110 §15.5.9), any other parse error (`HPE_INVALID_METHOD`,
 * `HPE_UNEXPECTED_CONTENT_LENGTH` …) → 400.
 */
export function clientErrorStatus(code: string | undefined): ClientErrorStatus {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return ClientErrorStatus.HeaderFieldsTooLarge;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ClientErrorStatus.RequestTimeout;
    default:
      return ClientErrorStatus.BadRequest;
  }
}

/**
 * The bytes of a minimal HTTP/1.1 response written straight to a socket, for the events
 * where there is no `ServerResponse` (`clientError`, `connect`, `upgrade`): status line,
 * `Connection: close`, a `text/plain` body with its `Content-Length` (RFC 9112 §6.2).
 */
export function rawResponse(
  statusCode: number,
  reason: string,
  body: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): string {
  const lines = [
    `HTTP/1.1 ${statusCode} ${reason}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(extraHeaders).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join(CRLF)}${CRLF}${CRLF}${body}`;
}

/** The full canned response for a `clientError` with this code (see {@link clientErrorStatus}). */
export function clientErrorResponse(code: string | undefined): {
  statusCode: number;
  bytes: string;
} {
  const statusCode = clientErrorStatus(code);
  const reason = REASONS[statusCode];
  return { statusCode, bytes: rawResponse(statusCode, reason, `${reason}\n`) };
}
