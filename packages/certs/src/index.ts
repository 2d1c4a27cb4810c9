export {
  createCa,
  issueCertificate,
  loadCa,
  MAX_LEAF_VALIDITY_DAYS,
  type CertificateAuthority,
  type CertificatePem,
  type CreateCaOptions,
  type IssueOptions,
  type KeyAlgorithm,
} from './pki.ts';
export { ensureDevCerts, devCertPaths, DEFAULT_CERTS_DIR, type DevCertPaths, type EnsureDevCertsOptions } from './dev-certs.ts';
