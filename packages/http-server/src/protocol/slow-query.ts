import { DEFAULT_SLOW_MS, MAX_SLOW_MS } from '../constants.ts';
import { HttpError } from '../errors.ts';

/**
 * Reads `ms` from the query string of `GET /slow?ms=N`: decimal digits only, 0–10 000
 * ({@link MAX_SLOW_MS}); absent means {@link DEFAULT_SLOW_MS}. A repeated `ms` is refused
 * rather than guessed at.
 *
 * @param search the URL's query, with or without the leading `?`.
 * @returns the delay in ms, or `ERR_HTTP_INVALID_QUERY` (400).
 */
export function parseSlowMs(search: string): number | HttpError {
  const values = new URLSearchParams(search).getAll('ms');
  if (values.length === 0) return DEFAULT_SLOW_MS;
  const text = values[0]!;
  if (values.length > 1 || !/^\d{1,6}$/.test(text) || Number(text) > MAX_SLOW_MS) {
    return new HttpError(
      'ERR_HTTP_INVALID_QUERY',
      400,
      `ms must be one integer from 0 to ${MAX_SLOW_MS} (got ${values.map((v) => `'${v}'`).join(', ')})`,
    );
  }
  return Number(text);
}
