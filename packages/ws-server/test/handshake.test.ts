import { describe, expect, it } from 'vitest';
import { HandshakeError } from '../src/errors.ts';
import {
  acceptKey,
  clientRequestHeaders,
  createClientKey,
  switchingProtocolsResponse,
  validateUpgradeRequest,
  validateUpgradeResponse,
} from '../src/protocol/handshake.ts';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
type Req = { method: string; httpVersion: string; headers: Record<string, string | undefined> };
const good: Req = {
  method: 'GET',
  httpVersion: '1.1',
  headers: {
    upgrade: 'websocket',
    connection: 'keep-alive, Upgrade',
    'sec-websocket-key': KEY,
    'sec-websocket-version': '13',
  },
};
const options = { protocols: ['chat', 'superchat'] };

function refusal(
  patch: Partial<typeof good> & { headers?: Record<string, string | undefined> },
  opts = options,
): HandshakeError {
  try {
    validateUpgradeRequest(
      { ...good, ...patch, headers: { ...good.headers, ...patch.headers } },
      opts,
    );
  } catch (err) {
    expect(err).toBeInstanceOf(HandshakeError);
    return err as HandshakeError;
  }
  throw new Error('expected a HandshakeError');
}

describe('server handshake (RFC 6455 §4.2)', () => {
  it('computes the RFC sample accept key', () => {
    expect(acceptKey(KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('accepts a valid request (token lists, any case) and writes the 101 with the accept key', () => {
    const accepted = validateUpgradeRequest(
      { ...good, headers: { ...good.headers, upgrade: 'WebSocket', connection: 'UPGRADE' } },
      options,
    );
    expect(accepted).toEqual({ key: KEY, protocol: undefined });
    expect(switchingProtocolsResponse(accepted)).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    );
  });

  it('selects the first offered subprotocol the server speaks, never one not offered', () => {
    const pick = (offer: string): string | undefined =>
      validateUpgradeRequest(
        { ...good, headers: { ...good.headers, 'sec-websocket-protocol': offer } },
        options,
      ).protocol;
    expect(pick('superchat, chat')).toBe('superchat');
    expect(pick('mqtt, chat')).toBe('chat');
    expect(pick('mqtt')).toBeUndefined();
    expect(switchingProtocolsResponse({ key: KEY, protocol: 'chat' })).toContain(
      'Sec-WebSocket-Protocol: chat\r\n',
    );
  });

  const cases: [string, Parameters<typeof refusal>[0], string, number][] = [
    ['POST', { method: 'POST' }, 'ERR_WS_BAD_METHOD', 400],
    ['HTTP/1.0', { httpVersion: '1.0' }, 'ERR_WS_BAD_HTTP_VERSION', 400],
    ['no Upgrade', { headers: { upgrade: undefined } }, 'ERR_WS_BAD_UPGRADE', 400],
    ['Upgrade: h2c', { headers: { upgrade: 'h2c' } }, 'ERR_WS_BAD_UPGRADE', 400],
    [
      'Connection without upgrade',
      { headers: { connection: 'keep-alive' } },
      'ERR_WS_BAD_CONNECTION',
      400,
    ],
    ['no key', { headers: { 'sec-websocket-key': undefined } }, 'ERR_WS_BAD_KEY', 400],
    [
      'a key of 15 bytes',
      { headers: { 'sec-websocket-key': Buffer.alloc(15).toString('base64') } },
      'ERR_WS_BAD_KEY',
      400,
    ],
    [
      'a key of 17 bytes',
      { headers: { 'sec-websocket-key': Buffer.alloc(17).toString('base64') } },
      'ERR_WS_BAD_KEY',
      400,
    ],
    [
      'a key that is not base64',
      { headers: { 'sec-websocket-key': 'not base64 at all!!!!!==' } },
      'ERR_WS_BAD_KEY',
      400,
    ],
    ['version 8', { headers: { 'sec-websocket-version': '8' } }, 'ERR_WS_BAD_VERSION', 426],
    ['no version', { headers: { 'sec-websocket-version': undefined } }, 'ERR_WS_BAD_VERSION', 426],
    [
      'a duplicate subprotocol',
      { headers: { 'sec-websocket-protocol': 'chat, chat' } },
      'ERR_WS_BAD_PROTOCOL',
      400,
    ],
    [
      'a subprotocol that is not a token',
      { headers: { 'sec-websocket-protocol': 'ch@t' } },
      'ERR_WS_BAD_PROTOCOL',
      400,
    ],
  ];
  for (const [name, patch, code, status] of cases) {
    it(`refuses ${name} with ${status} ${code}`, () => {
      const err = refusal(patch);
      expect(err.code).toBe(code);
      expect(err.statusCode).toBe(status);
    });
  }

  it('answers a wrong version with 426 and Sec-WebSocket-Version: 13', () => {
    expect(refusal({ headers: { 'sec-websocket-version': '12' } }).headers).toEqual({
      'Sec-WebSocket-Version': '13',
    });
  });

  it('refuses an Origin outside the allow-list with 403 and accepts one inside it (or none)', () => {
    const opts = { ...options, allowedOrigins: ['http://127.0.0.1:12010'] };
    expect(refusal({ headers: { origin: 'http://evil.example' } }, opts)).toMatchObject({
      code: 'ERR_WS_ORIGIN_FORBIDDEN',
      statusCode: 403,
    });
    expect(
      validateUpgradeRequest(
        { ...good, headers: { ...good.headers, origin: 'http://127.0.0.1:12010' } },
        opts,
      ).key,
    ).toBe(KEY);
    expect(validateUpgradeRequest(good, opts).key).toBe(KEY);
  });
});

describe('client handshake (RFC 6455 §4.1)', () => {
  it('makes a fresh 16-byte key each time and the request headers', () => {
    const key = createClientKey();
    expect(Buffer.from(key, 'base64')).toHaveLength(16);
    expect(createClientKey()).not.toBe(key);
    expect(clientRequestHeaders(key, ['chat'])).toMatchObject({
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Protocol': 'chat',
    });
  });

  const ok: { statusCode: number; headers: Record<string, string> } = {
    statusCode: 101,
    headers: {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-accept': acceptKey(KEY),
    },
  };
  it('accepts a correct 101 and returns the selected subprotocol', () => {
    expect(validateUpgradeResponse(ok, KEY, [])).toBeUndefined();
    expect(
      validateUpgradeResponse(
        { ...ok, headers: { ...ok.headers, 'sec-websocket-protocol': 'chat' } },
        KEY,
        ['chat'],
      ),
    ).toBe('chat');
  });

  const bad: [string, typeof ok, string][] = [
    ['a 200', { ...ok, statusCode: 200 }, 'ERR_WS_UNEXPECTED_RESPONSE'],
    [
      'a wrong Sec-WebSocket-Accept',
      { ...ok, headers: { ...ok.headers, 'sec-websocket-accept': acceptKey('x') } },
      'ERR_WS_BAD_ACCEPT',
    ],
    ['no Upgrade', { ...ok, headers: { ...ok.headers, upgrade: '' } }, 'ERR_WS_BAD_UPGRADE'],
    [
      'no Connection: upgrade',
      { ...ok, headers: { ...ok.headers, connection: 'close' } },
      'ERR_WS_BAD_CONNECTION',
    ],
    [
      'a subprotocol not offered',
      { ...ok, headers: { ...ok.headers, 'sec-websocket-protocol': 'superchat' } },
      'ERR_WS_BAD_PROTOCOL',
    ],
    [
      'an extension not offered',
      { ...ok, headers: { ...ok.headers, 'sec-websocket-extensions': 'permessage-deflate' } },
      'ERR_WS_BAD_EXTENSION',
    ],
  ];
  for (const [name, res, code] of bad) {
    it(`fails on ${name} with ${code}`, () => {
      expect(() => validateUpgradeResponse(res, KEY, ['chat'])).toThrow(
        expect.objectContaining({ code }),
      );
    });
  }
});
