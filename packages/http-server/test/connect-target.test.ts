import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/errors.ts';
import {
  formatConnectTarget,
  parseAllowList,
  parseConnectTarget,
} from '../src/protocol/connect-target.ts';

describe('parseConnectTarget', () => {
  it.each([
    ['127.0.0.1:1337', { host: '127.0.0.1', port: 1337 }],
    ['Example.COM:443', { host: 'example.com', port: 443 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
  ])('parses %s', (text, target) => {
    expect(parseConnectTarget(text)).toEqual(target);
  });

  it.each([
    'example.com',
    ':443',
    'example.com:0',
    'example.com:65536',
    'example.com:http',
    'user@example.com:443',
    'http://example.com:80',
    'example.com:80/path',
    '[::1:80',
    '[zz]:80',
    '-bad-.com:80',
    '',
  ])('refuses %j with ERR_HTTP_INVALID_CONNECT_TARGET (400)', (text) => {
    const result = parseConnectTarget(text);
    expect(result).toBeInstanceOf(HttpError);
    expect((result as HttpError).code).toBe('ERR_HTTP_INVALID_CONNECT_TARGET');
    expect((result as HttpError).statusCode).toBe(400);
  });

  it('random strings only ever parse or give the typed error; parsed ones round-trip', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const result = parseConnectTarget(text);
        if (result instanceof HttpError) {
          expect(result.code).toBe('ERR_HTTP_INVALID_CONNECT_TARGET');
        } else {
          expect(parseConnectTarget(formatConnectTarget(result))).toEqual(result);
        }
      }),
    );
  });
});

describe('parseAllowList', () => {
  it('normalizes entries and skips empty ones', () => {
    expect(parseAllowList('127.0.0.1:1337, LOCALHOST:8124,,[::1]:80')).toEqual([
      '127.0.0.1:1337',
      'localhost:8124',
      '[::1]:80',
    ]);
  });

  it('throws the first bad entry', () => {
    expect(() => parseAllowList('127.0.0.1:1337,nope')).toThrow(/nope/);
  });
});
