import { TLS_PROFILE_NAMES, type TlsProfileName } from 'certs';
import {
  InvalidArgumentError,
  resolveLimits,
  silentLogger,
  validateOneOf,
  type LimitOptions,
  type LimitValues,
  type Logger,
} from 'common';
import {
  resolveOptions as resolveHttpOptions,
  type ResolvedOptions,
  type Route,
} from 'http-server';
import { LIMITS } from './limits.ts';
import { ROUTES } from './routes/index.ts';

/**
 * Options of `createHttpsServer`. Every limit has a safe default; sizes in bytes, times in ms.
 * Defaults and bounds of the numeric ones: {@link LIMITS} (also the CLI's flags).
 */
export interface HttpsServerOptions extends LimitOptions<typeof LIMITS> {
  /** Server certificate, PEM (a chain: leaf first, then intermediates). */
  cert: string | Buffer;
  /** Its private key, PEM. */
  key: string | Buffer;
  /** CA(s) that client certificates must chain to: required with `requireClientCert`, unused otherwise. */
  ca?: string | Buffer | (string | Buffer)[] | undefined;
  /** Mutual TLS: ask every client for a certificate and refuse the handshake without a valid one. Default false. */
  requireClientCert?: boolean | undefined;
  /** `intermediate` (TLS 1.2 + 1.3, default) or `modern` (TLS 1.3 only): packages/certs. */
  tlsProfile?: TlsProfileName | undefined;
  /** Also create {@link HttpsServer.redirect}, a plain-HTTP server answering 308 to https (main.ts listens on it). */
  redirectHttp?: boolean | undefined;
  /** Routes added to (and overriding) the built-in ones. */
  routes?: readonly Route[] | undefined;
  /** Logger (common's pino). Default: silent. */
  logger?: Logger | undefined;
}

/** {@link HttpsServerOptions} validated, defaults filled in. */
export interface ResolvedHttpsOptions {
  limits: LimitValues<typeof LIMITS>;
  /** What http-server's handler takes: its limits, the routes, the logger. */
  http: ResolvedOptions;
  requireClientCert: boolean;
  tlsProfile: TlsProfileName;
  redirectHttp: boolean;
  logger: Logger;
}

/**
 * Validates every option once, by name.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a limit
 *   (common's `resolveLimits`; `headersTimeout` over `requestTimeout` too, as Node refuses it),
 *   `ERR_INVALID_ARG_VALUE` for an unknown `tlsProfile` or `requireClientCert` without `ca`.
 */
export function resolveHttpsOptions(options: HttpsServerOptions): ResolvedHttpsOptions {
  const limits = resolveLimits(LIMITS, options);
  const logger = options.logger ?? silentLogger();
  const http = resolveHttpOptions({
    maxBody: limits.maxBody,
    headersTimeout: limits.headersTimeout,
    requestTimeout: limits.requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    maxHeadersCount: limits.maxHeadersCount,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    connectionsCheckingInterval: limits.connectionsCheckingInterval,
    routes: [...ROUTES, ...(options.routes ?? [])],
    logger,
  });
  const tlsProfile = validateOneOf(
    options.tlsProfile ?? 'intermediate',
    'tlsProfile',
    TLS_PROFILE_NAMES,
  );
  const requireClientCert = options.requireClientCert ?? false;
  if (requireClientCert && options.ca === undefined) {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_VALUE',
      'The argument "ca" is required with requireClientCert: the CA client certificates must chain to',
    );
  }
  return {
    limits,
    http,
    requireClientCert,
    tlsProfile,
    redirectHttp: options.redirectHttp ?? false,
    logger,
  };
}
