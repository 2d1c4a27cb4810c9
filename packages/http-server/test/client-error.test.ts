import { describe, expect, it } from 'vitest';
import {
  ClientErrorStatus,
  clientErrorResponse,
  clientErrorStatus,
  rawResponse,
} from '../src/protocol/client-error.ts';

describe('clientErrorStatus', () => {
  it('maps parse and timeout codes like Node core', () => {
    expect(clientErrorStatus('HPE_HEADER_OVERFLOW')).toBe(ClientErrorStatus.HeaderFieldsTooLarge);
    expect(clientErrorStatus('ERR_HTTP_REQUEST_TIMEOUT')).toBe(ClientErrorStatus.RequestTimeout);
    expect(clientErrorStatus('HPE_INVALID_METHOD')).toBe(ClientErrorStatus.BadRequest);
    expect(clientErrorStatus(undefined)).toBe(ClientErrorStatus.BadRequest);
  });
});

describe('rawResponse', () => {
  it('writes a complete response with a byte-exact Content-Length and Connection: close', () => {
    const text = rawResponse(403, 'Forbidden', 'nein – 禁止\n', { 'X-A': 'b' });
    const [head, body] = text.split('\r\n\r\n');
    expect(head!.split('\r\n')).toEqual([
      'HTTP/1.1 403 Forbidden',
      'Connection: close',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${Buffer.byteLength('nein – 禁止\n')}`,
      'X-A: b',
    ]);
    expect(body).toBe('nein – 禁止\n');
  });

  it('clientErrorResponse starts with the mapped status line', () => {
    const { statusCode, bytes } = clientErrorResponse('HPE_HEADER_OVERFLOW');
    expect(statusCode).toBe(431);
    expect(bytes.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n')).toBe(true);
  });
});
