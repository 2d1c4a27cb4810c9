/**
 * certs: netlab's PKI library. The dev CA with its server and client certificates
 * (`ensureDevCerts`, `pnpm certs`), and the X.509 building blocks behind it (`createCa`,
 * `issueCertificate`, `loadCa`) for tests and benchmarks that need other certificates.
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
export { PkiError, type PkiErrorCode } from './errors.ts';
