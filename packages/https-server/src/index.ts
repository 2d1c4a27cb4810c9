export { createHttpsServer, HttpsServer, type HttpsConnection } from './server.ts';
export {
  resolveHttpsOptions,
  type HttpsServerOptions,
  type ResolvedHttpsOptions,
} from './options.ts';
export { LIMITS, CLIENT_LIMITS, PSEUDO_HEADER_COUNT } from './limits.ts';
export { RedirectServer, type RedirectServerOptions } from './redirect.ts';
export { redirectLocation } from './protocol/redirect.ts';
export { ROUTES } from './routes/index.ts';
export { tlsSocketOf } from './routes/tls-info.ts';
export { HttpsClientError, type HttpsClientErrorCode } from './errors.ts';
export * as constants from './constants.ts';
