/**
 * certs: netlab's PKI and TLS library, shared by every TLS server and client (tls-echo,
 * https-server):
 *
 * - the dev CA with its server and client certificates (`ensureDevCerts`, `pnpm certs`; the
 *   only part that writes files: CLIs and tests call it, libraries never do), and the X.509
 *   building blocks behind it (`createCa`, `issueCertificate`, `loadCa`);
 * - reading and checking credential files (`loadCredentials`, `loadTrustedCa`,
 *   `checkCredentials`; `CredentialsError`);
 * - the one TLS profile (`tlsProfile`, `tlsProfileOptions`, `hstsHeader`: Mozilla's
 *   guidelines 6.0, intermediate or modern);
 * - the TLS error-code table that every client explains failures with (`formatTlsError`).
 *
 * Test tooling that probes a live server's cipher suites is `certs/probe`.
 */
export {
  createCa,
  issueCertificate,
  loadCa,
  DEFAULT_CA_VALIDITY_DAYS,
  MAX_CA_VALIDITY_DAYS,
  MAX_LEAF_VALIDITY_DAYS,
  type CertificateAuthority,
  type CertificatePem,
  type CreateCaOptions,
  type IssueOptions,
  type KeyAlgorithm,
} from './pki.ts';
export {
  ensureDevCerts,
  devCertPaths,
  DEFAULT_CERTS_DIR,
  type DevCertPaths,
  type EnsureDevCertsOptions,
} from './dev-certs.ts';
export { credentialPaths, trustedCaPath, type CredentialFlags } from './dev-credentials.ts';
export {
  PkiError,
  CredentialsError,
  type PkiErrorCode,
  type CredentialsErrorCode,
} from './errors.ts';
export {
  loadCredentials,
  loadKeyPair,
  loadTrustedCa,
  type CredentialPaths,
  type LoadedCredentials,
  type LoadedKeyPair,
  type TrustedCa,
} from './credentials.ts';
export {
  checkCredentials,
  checkKeyPair,
  parseCertificate,
  summarizePeerCertificate,
  type CertificateSummary,
  type CheckedCredentials,
  type CheckedKeyPair,
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
export {
  tlsProfile,
  tlsProfileOptions,
  hstsHeader,
  supportedGroups,
  TLS_PROFILE_NAMES,
  TLS13_CIPHERSUITES,
  INTERMEDIATE_TLS12_CIPHERS,
  GUIDELINE_GROUPS,
  HSTS_MAX_AGE_SECONDS,
  MOZILLA_GUIDELINES_VERSION,
  MOZILLA_GUIDELINES_URL,
  type TlsProfile,
  type TlsProfileName,
  type TlsProfileOptions,
} from './tls-profile.ts';
export { MAX_PEM_FILE_BYTES, PEM_READ_CHUNK_BYTES } from './constants.ts';
