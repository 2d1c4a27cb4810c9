import { silentLogger, type Logger } from 'common';
import {
  DEFAULT_CONNECTIONS_CHECKING_INTERVAL,
  DEFAULT_HEADERS_TIMEOUT,
  DEFAULT_KEEP_ALIVE_TIMEOUT,
  DEFAULT_MAX_BODY,
  DEFAULT_MAX_HEADERS_COUNT,
  DEFAULT_MAX_REQUESTS_PER_SOCKET,
  DEFAULT_REQUEST_TIMEOUT,
  MAX_MAX_BODY,
  MAX_TIMEOUT,
} from './constants.ts';
import { HttpOptionError, type HttpError } from './errors.ts';
import { parseAllowList } from './protocol/connect-target.ts';
import type { Route } from './routes/router.ts';

/** Options of `createHttpServer`. Every limit has a safe default; all times are in ms. */
export interface HttpServerOptions {
  /** Largest request body `/echo` accepts, in bytes (413 beyond, 417 for `Expect`). Default 1 MiB. */
  maxBody?: number;
  /** Time to receive the request head; slowloris clients are cut after it (408). Default 15 000. */
  headersTimeout?: number;
  /** Time to receive the whole request, head and body (408); 0 disables. Default 30 000. */
  requestTimeout?: number;
  /** Idle time a keep-alive socket waits for its next request. Default 5 000. */
  keepAliveTimeout?: number;
  /** Header fields parsed per request; the rest are ignored. Default 100. */
  maxHeadersCount?: number;
  /** Requests per keep-alive socket; the last one is answered with `Connection: close`. 0 = no limit. Default 1 000. */
  maxRequestsPerSocket?: number;
  /** How often Node checks headersTimeout/requestTimeout. Default 1 000 (Node's own default is 30 000). */
  connectionsCheckingInterval?: number;
  /** CONNECT targets (`host:port`) the proxy may tunnel to. Default `[]`: CONNECT always 403. */
  proxyAllow?: readonly string[];
  /** Routes added to (and overriding) the built-in ones. */
  routes?: readonly Route[];
  /** Logger (common's pino). Default: silent. */
  logger?: Logger;
}

/** {@link HttpServerOptions} after validation, every default filled in. */
export interface ResolvedOptions {
  maxBody: number;
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxHeadersCount: number;
  maxRequestsPerSocket: number;
  connectionsCheckingInterval: number;
  /** Normalized `host:port` entries (IPv6 in brackets, lower-case host). */
  proxyAllow: readonly string[];
  routes: readonly Route[];
  logger: Logger;
}

function integer(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new HttpOptionError(
      'ERR_INVALID_ARG_TYPE',
      `${name} must be an integer (got ${String(value)})`,
    );
  }
  if (value < min || value > max) {
    throw new HttpOptionError(
      'ERR_OUT_OF_RANGE',
      `${name} must be >= ${min} and <= ${max} (got ${value})`,
    );
  }
  return value;
}

/**
 * Validates every option once, by name, with range checks (Node's `validateInteger` style),
 * and fills in the defaults.
 *
 * @throws {HttpOptionError} `ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE` (also when
 *   `headersTimeout` > `requestTimeout`, which Node refuses too), `ERR_INVALID_ARG_VALUE`
 *   for a bad `proxyAllow` entry.
 */
export function resolveOptions(options: HttpServerOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    maxBody: integer('maxBody', options.maxBody, 0, MAX_MAX_BODY, DEFAULT_MAX_BODY),
    headersTimeout: integer(
      'headersTimeout',
      options.headersTimeout,
      1,
      MAX_TIMEOUT,
      DEFAULT_HEADERS_TIMEOUT,
    ),
    requestTimeout: integer(
      'requestTimeout',
      options.requestTimeout,
      0,
      MAX_TIMEOUT,
      DEFAULT_REQUEST_TIMEOUT,
    ),
    keepAliveTimeout: integer(
      'keepAliveTimeout',
      options.keepAliveTimeout,
      0,
      MAX_TIMEOUT,
      DEFAULT_KEEP_ALIVE_TIMEOUT,
    ),
    maxHeadersCount: integer(
      'maxHeadersCount',
      options.maxHeadersCount,
      1,
      10_000,
      DEFAULT_MAX_HEADERS_COUNT,
    ),
    maxRequestsPerSocket: integer(
      'maxRequestsPerSocket',
      options.maxRequestsPerSocket,
      0,
      1_000_000,
      DEFAULT_MAX_REQUESTS_PER_SOCKET,
    ),
    connectionsCheckingInterval: integer(
      'connectionsCheckingInterval',
      options.connectionsCheckingInterval,
      100,
      MAX_TIMEOUT,
      DEFAULT_CONNECTIONS_CHECKING_INTERVAL,
    ),
    proxyAllow: [],
    routes: options.routes ?? [],
    logger: options.logger ?? silentLogger(),
  };
  if (resolved.requestTimeout > 0 && resolved.headersTimeout > resolved.requestTimeout) {
    throw new HttpOptionError(
      'ERR_OUT_OF_RANGE',
      `headersTimeout (${resolved.headersTimeout}) must be <= requestTimeout (${resolved.requestTimeout})`,
    );
  }
  try {
    resolved.proxyAllow = parseAllowList((options.proxyAllow ?? []).join(','));
  } catch (err) {
    throw new HttpOptionError('ERR_INVALID_ARG_VALUE', `proxyAllow: ${(err as HttpError).message}`);
  }
  return resolved;
}

/** The effective limits as one object, for the start-up log line and `/inspect`-style output. */
export function describeLimits(o: ResolvedOptions): Record<string, number | string> {
  return {
    maxBody: o.maxBody,
    headersTimeout: o.headersTimeout,
    requestTimeout: o.requestTimeout,
    keepAliveTimeout: o.keepAliveTimeout,
    maxHeadersCount: o.maxHeadersCount,
    maxRequestsPerSocket: o.maxRequestsPerSocket,
    connectionsCheckingInterval: o.connectionsCheckingInterval,
    proxyAllow: o.proxyAllow.length === 0 ? 'off' : o.proxyAllow.join(','),
  };
}
