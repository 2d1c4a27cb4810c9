export { createTlsEchoServer, TlsEchoServer, type TlsEchoServerOptions } from './server.ts';
export { LIMITS, SERVER_LIMITS, CLIENT_LIMITS } from './limits.ts';
export {
  connectTlsEcho,
  describeConnection,
  type TlsEchoClientOptions,
  type TlsConnectionInfo,
} from './client.ts';
export {
  loadCredentials,
  loadTrustedCa,
  type CredentialPaths,
  type LoadedCredentials,
  type TrustedCa,
} from './credentials.ts';
export { CredentialsError, type CredentialsErrorCode } from './errors.ts';
export {
  checkCredentials,
  parseCertificate,
  summarizePeerCertificate,
  type CertificateSummary,
  type CheckedCredentials,
  type CredentialsInput,
  type CredentialsSources,
} from './protocol/certificate.ts';
export {
  TLS_ERROR_EXPLANATIONS,
  explainTlsError,
  formatTlsError,
  type TlsErrorExplanation,
  type TlsErrorSide,
  type TlsErrorTable,
} from './protocol/error-codes.ts';
export { ERR_TLS_CLOSED_BEFORE_GREETING, TLS_ECHO_ERROR_EXPLANATIONS } from './explanations.ts';
export * from './constants.ts';
