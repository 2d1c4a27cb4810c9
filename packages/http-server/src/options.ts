import {
  InvalidArgumentError,
  resolveLimits,
  silentLogger,
  type LimitOptions,
  type LimitValues,
  type Logger,
} from 'common';
import { HttpError } from './errors.ts';
import { LIMITS } from './limits.ts';
import { parseAllowList } from './protocol/connect-target.ts';
import type { Route } from './routes/router.ts';

/**
 * Options of `createHttpServer`. Every limit has a safe default; sizes are in bytes, times in
 * ms. Defaults and bounds of the numeric ones: {@link LIMITS} (also the CLI's flags).
 */
export interface HttpServerOptions extends LimitOptions<typeof LIMITS> {
  /** Largest request body `/echo` accepts, in bytes (413 beyond, 417 for `Expect`). */
  readonly maxBody?: number | undefined;
  /** Time to receive the request head; slowloris clients are cut after it (408). */
  readonly headersTimeout?: number | undefined;
  /** Time to receive the whole request, head and body (408); 0 disables. */
  readonly requestTimeout?: number | undefined;
  /** Idle time a keep-alive socket waits for its next request. */
  readonly keepAliveTimeout?: number | undefined;
  /** Header fields parsed per request; the rest are ignored. */
  readonly maxHeadersCount?: number | undefined;
  /** Requests per keep-alive socket; the last one is answered with `Connection: close`. 0 = no limit. */
  readonly maxRequestsPerSocket?: number | undefined;
  /** How often Node checks `headersTimeout`/`requestTimeout` (Node's own default is 30 000). */
  readonly connectionsCheckingInterval?: number | undefined;
  /** CONNECT: time allowed to connect to the target (502 after it). */
  readonly tunnelConnectTimeout?: number | undefined;
  /** CONNECT: an open tunnel with no traffic either way is closed after this long. */
  readonly tunnelIdleTimeout?: number | undefined;
  /** CONNECT targets (`host:port`) the proxy may tunnel to. Default `[]`: CONNECT always 403. */
  readonly proxyAllow?: readonly string[];
  /** Routes added to (and overriding) the built-in ones. */
  readonly routes?: readonly Route[];
  /** Logger (common's pino). Default: silent. */
  readonly logger?: Logger;
}

/** {@link HttpServerOptions} after validation, every default filled in. */
export interface ResolvedOptions extends LimitValues<typeof LIMITS> {
  /** Normalized `host:port` entries (IPv6 in brackets, lower-case host). */
  proxyAllow: readonly string[];
  routes: readonly Route[];
  logger: Logger;
}

/**
 * Validates every option once, by name (common's `resolveLimits` over {@link LIMITS}: Node's
 * `validateInteger` codes and wording), and fills in the defaults.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` (a limit that is not a number),
 *   `ERR_OUT_OF_RANGE` (not an integer, outside its bounds, or `headersTimeout` >
 *   `requestTimeout`, which Node refuses too), `ERR_INVALID_ARG_VALUE` (a bad `proxyAllow`
 *   entry). The message names the option.
 */
export function resolveOptions(options: HttpServerOptions = {}): ResolvedOptions {
  const limits = resolveLimits(LIMITS, options);
  // Node's own cross-check and wording (`storeHTTPOptions` in lib/_http_server.js).
  if (limits.requestTimeout > 0 && limits.headersTimeout > limits.requestTimeout) {
    throw new InvalidArgumentError(
      'ERR_OUT_OF_RANGE',
      `The value of "headersTimeout" is out of range. It must be <= requestTimeout (${limits.requestTimeout}). Received ${limits.headersTimeout}`,
    );
  }
  let proxyAllow: string[];
  try {
    proxyAllow = parseAllowList((options.proxyAllow ?? []).join(','));
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_VALUE',
      `The argument "proxyAllow" is invalid: ${err.message}`,
      { cause: err },
    );
  }
  return {
    ...limits,
    proxyAllow,
    routes: options.routes ?? [],
    logger: options.logger ?? silentLogger(),
  };
}

/** The effective limits as one object, for the start-up log line. */
export function describeLimits(o: ResolvedOptions): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const key of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) out[key] = o[key];
  out.proxyAllow = o.proxyAllow.length === 0 ? 'off' : o.proxyAllow.join(',');
  return out;
}
