export { createTlsEchoServer, TlsEchoServer, type TlsEchoServerOptions } from './server.ts';
export { LIMITS, SERVER_LIMITS, CLIENT_LIMITS } from './limits.ts';
export {
  connectTlsEcho,
  describeConnection,
  type TlsEchoClientOptions,
  type TlsConnectionInfo,
} from './client.ts';
export { ERR_TLS_CLOSED_BEFORE_GREETING, TLS_ECHO_ERROR_EXPLANATIONS } from './explanations.ts';
export * from './constants.ts';
// Credentials, certificate checks, the TLS error table and the TLS profile live in `certs`,
// shared with https-server.
