import { HttpError } from '../errors.ts';

/** A CONNECT target (RFC 9110 §9.3.6 authority-form), `host` without IPv6 brackets. */
export interface ConnectTarget {
  host: string;
  port: number;
}

// reg-name (RFC 3986 §3.2.2, restricted to DNS letters/digits/hyphen/dot) or IPv4; or [IPv6].
const REG_NAME = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/i;
const IPV6 = /^[0-9a-f:.]{2,45}$/i;

function invalid(target: string, why: string): HttpError {
  return new HttpError(
    'ERR_HTTP_INVALID_CONNECT_TARGET',
    400,
    `invalid CONNECT target '${target}': ${why}`,
  );
}

/**
 * Parses a CONNECT request-target, which must be authority-form `host:port`
 * (RFC 9110 §9.3.6, RFC 9112 §3.2.3): a DNS name or IPv4 address, or an IPv6 address in
 * brackets, then a port 1–65535. No userinfo, path, scheme or missing port.
 *
 * @returns the target with a lower-cased host, or `ERR_HTTP_INVALID_CONNECT_TARGET` (400).
 */
export function parseConnectTarget(target: string): ConnectTarget | HttpError {
  const colon = target.lastIndexOf(':');
  if (colon <= 0) return invalid(target, 'expected host:port');
  const hostPart = target.slice(0, colon);
  const portPart = target.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portPart)) return invalid(target, 'port must be 1-65535');
  const port = Number(portPart);
  if (port < 1 || port > 65_535) return invalid(target, 'port must be 1-65535');
  if (hostPart.startsWith('[')) {
    if (!hostPart.endsWith(']')) return invalid(target, 'unclosed IPv6 bracket');
    const ip = hostPart.slice(1, -1);
    if (!IPV6.test(ip) || !ip.includes(':')) return invalid(target, 'bad IPv6 address');
    return { host: ip.toLowerCase(), port };
  }
  if (!REG_NAME.test(hostPart)) return invalid(target, 'bad host name');
  return { host: hostPart.toLowerCase(), port };
}

/** `host:port` with IPv6 hosts in brackets: the form used in allow-lists and logs. */
export function formatConnectTarget(target: ConnectTarget): string {
  return target.host.includes(':')
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
}

/**
 * Parses a comma-separated allow-list (`127.0.0.1:1337,localhost:8124`) into normalized
 * `host:port` strings, for `--proxy-allow`.
 *
 * @throws {HttpError} `ERR_HTTP_INVALID_CONNECT_TARGET` for the first bad entry.
 */
export function parseAllowList(list: string): string[] {
  const entries = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return entries.map((entry) => {
    const target = parseConnectTarget(entry);
    if (target instanceof HttpError) throw target;
    return formatConnectTarget(target);
  });
}
