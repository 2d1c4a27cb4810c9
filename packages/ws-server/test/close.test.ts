import { describe, expect, it } from 'vitest';
import { WsArgumentError, WsProtocolError } from '../src/errors.ts';
import {
  encodeClosePayload,
  isValidCloseCode,
  parseClosePayload,
  truncateReason,
} from '../src/protocol/close.ts';

describe('close payloads (RFC 6455 §5.5.1, §7.4)', () => {
  it('parses a code and a UTF-8 reason, and an empty payload as 1005', () => {
    expect(parseClosePayload(encodeClosePayload(1000, '再见'))).toEqual({
      code: 1000,
      reason: '再见',
    });
    expect(parseClosePayload(Buffer.alloc(0))).toEqual({ code: 1005, reason: '' });
  });

  it('accepts exactly the codes allowed on the wire', () => {
    const valid = [
      1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999,
    ];
    const invalid = [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535];
    for (const code of valid) expect(isValidCloseCode(code), String(code)).toBe(true);
    for (const code of invalid) {
      expect(isValidCloseCode(code), String(code)).toBe(false);
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      expect(() => parseClosePayload(payload)).toThrow(
        expect.objectContaining({ code: 'ERR_WS_INVALID_CLOSE_CODE', closeCode: 1002 }),
      );
    }
  });

  it('rejects a 1-byte payload (1002) and a reason that is not UTF-8 (1007)', () => {
    expect(() => parseClosePayload(Buffer.from([0x03]))).toThrow(
      expect.objectContaining({ code: 'ERR_WS_INVALID_CLOSE_PAYLOAD', closeCode: 1002 }),
    );
    const err = (() => {
      try {
        parseClosePayload(Buffer.from([0x03, 0xe8, 0xff]));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WsProtocolError);
    expect(err).toMatchObject({ code: 'ERR_WS_INVALID_UTF8', closeCode: 1007 });
  });

  it('encodes at most 123 bytes of reason and refuses codes that may not be sent', () => {
    expect(encodeClosePayload(1000, 'x'.repeat(123))).toHaveLength(125);
    expect(() => encodeClosePayload(1000, 'x'.repeat(124))).toThrow(WsArgumentError);
    expect(() => encodeClosePayload(1000, 'x'.repeat(124))).toThrow(
      expect.objectContaining({ code: 'ERR_WS_CLOSE_REASON_TOO_LONG' }),
    );
    expect(() => encodeClosePayload(1000, '长'.repeat(42))).toThrow(
      expect.objectContaining({ name: 'WsArgumentError', code: 'ERR_WS_CLOSE_REASON_TOO_LONG' }),
    );
    expect(() => encodeClosePayload(1005)).toThrow(
      expect.objectContaining({ name: 'WsArgumentError', code: 'ERR_WS_INVALID_CLOSE_CODE' }),
    );
    expect(() => encodeClosePayload(undefined, 'reason')).toThrow(WsArgumentError);
    expect(() => encodeClosePayload(undefined, 'reason')).toThrow(
      expect.objectContaining({ code: 'ERR_WS_CLOSE_REASON_TOO_LONG' }),
    );
    expect(encodeClosePayload()).toHaveLength(0);
  });
});

describe('truncateReason', () => {
  it('keeps a reason that fits and cuts a long one to 123 bytes without splitting a character', () => {
    expect(truncateReason('short')).toBe('short');
    const cut = truncateReason('é'.repeat(100)); // 200 bytes
    expect(Buffer.byteLength(cut)).toBe(122);
    expect(cut).toBe('é'.repeat(61));
    expect(Buffer.byteLength(truncateReason('x'.repeat(300)))).toBe(123);
  });
});
