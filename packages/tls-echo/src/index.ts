export { createTlsEchoServer, endConnections, type TlsEchoServerOptions } from './server.ts';
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
} from './protocol/error-codes.ts';
export * from './constants.ts';
