import { describe, expect, it } from 'vitest';
import { DEFAULT_SLOW_MS, MAX_SLOW_MS } from '../src/constants.ts';
import { HttpError } from '../src/errors.ts';
import { parseSlowMs } from '../src/protocol/slow-query.ts';

describe('parseSlowMs', () => {
  it('reads ms from the query, with or without "?"', () => {
    expect(parseSlowMs('?ms=250')).toBe(250);
    expect(parseSlowMs('ms=0')).toBe(0);
    expect(parseSlowMs(`?ms=${MAX_SLOW_MS}`)).toBe(MAX_SLOW_MS);
  });

  it('defaults when ms is absent', () => {
    expect(parseSlowMs('')).toBe(DEFAULT_SLOW_MS);
    expect(parseSlowMs('?other=1')).toBe(DEFAULT_SLOW_MS);
  });

  it.each(['?ms=10001', '?ms=-1', '?ms=1e3', '?ms=abc', '?ms=', '?ms=1&ms=2', '?ms=0x10'])(
    'refuses %s with ERR_HTTP_INVALID_QUERY (400)',
    (search) => {
      const result = parseSlowMs(search);
      expect(result).toBeInstanceOf(HttpError);
      expect((result as HttpError).code).toBe('ERR_HTTP_INVALID_QUERY');
      expect((result as HttpError).statusCode).toBe(400);
    },
  );
});
