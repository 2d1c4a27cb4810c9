/** A request-target split into path and query (RFC 9112 §3.2). */
export interface RequestTarget {
  /** The path, e.g. `/slow` (origin-form kept verbatim: `//x` stays a path, no dot-segment removal). */
  pathname: string;
  /** The query with its `?`, or `''`. */
  search: string;
}

/**
 * Splits a request-target without building a `URL` for the common case (a `URL` per request
 * costs measurable throughput): origin-form `/path?query` is split at the first `?`;
 * absolute-form `http://host/path?query` (RFC 9112 §3.2.2; servers must accept it) goes
 * through `URL`; `*` (asterisk-form, `OPTIONS *`) is kept as the path. The fragment, which a
 * client must not send, is dropped.
 *
 * @returns `undefined` for a target in none of these forms (the caller answers 400).
 */
export function parseRequestTarget(target: string | undefined): RequestTarget | undefined {
  if (target === undefined || target === '') return undefined;
  if (target.startsWith('/')) {
    const hash = target.indexOf('#');
    const text = hash === -1 ? target : target.slice(0, hash);
    const q = text.indexOf('?');
    return q === -1
      ? { pathname: text, search: '' }
      : { pathname: text.slice(0, q), search: text.slice(q) };
  }
  if (target === '*') return { pathname: '*', search: '' };
  if (!/^https?:\/\//i.test(target)) return undefined;
  try {
    const url = new URL(target);
    return { pathname: url.pathname, search: url.search };
  } catch {
    return undefined;
  }
}
