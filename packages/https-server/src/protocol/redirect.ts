/**
 * The `Location` of the plain-HTTP listener's redirect (RFC 9110 §15.4.9 308, §10.2.2
 * Location), pure: the client's own host name, the HTTPS port, the request-target unchanged.
 */
import { HTTPS_DEFAULT_PORT, SCHEME } from '../constants.ts';

/**
 * A `Host` header (RFC 9110 §7.2): a DNS name or IPv4 address, or an IPv6 literal in brackets,
 * with an optional port. Anything else (absent, empty, userinfo, spaces …) is not trusted.
 */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::\d{1,5})?$/;

/**
 * Where to send a plain-HTTP request: `https://HOST[:PORT]TARGET`.
 *
 * @param host the request's `Host` header; when it is missing or malformed, `fallbackHost`
 *   (the server's own name) is used instead. Redirecting to the client's own `Host` is safe:
 *   only that client follows it.
 * @param target the request-target; an origin-form one (`/path?query`) is kept as is, any other
 *   form (`*`, absolute-form) becomes `/`.
 * @param httpsPort the HTTPS listener's port; omitted from the URL when it is 443.
 */
export function redirectLocation(
  host: string | undefined,
  target: string | undefined,
  httpsPort: number,
  fallbackHost: string,
): string {
  const name = (host !== undefined && HOST.exec(host)?.[1]) || bracketed(fallbackHost);
  const port = httpsPort === HTTPS_DEFAULT_PORT ? '' : `:${httpsPort}`;
  const path = target?.startsWith('/') ? target : '/';
  return `${SCHEME}://${name.toLowerCase()}${port}${path}`;
}

/** An IPv6 address as a URL host (`::1` → `[::1]`). */
function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
