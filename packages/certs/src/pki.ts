/**
 * A small X.509 PKI for development, in TypeScript over Node's WebCrypto (no openssl binary):
 * the book's CA → CSR → signed certificate chain (§7.5.2), with today's parameters (ECDSA P-256
 * or RSA-2048, SHA-256, SAN, leaf validity ≤ 825 days).
 */
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { validateInteger } from 'common';
import { PkiError } from './errors.ts';

// x509 takes the WebCrypto implementation to use; Node's is the standard one.
x509.cryptoProvider.set(webcrypto);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** Key algorithms: ECDSA on P-256 (default, fast handshakes) or RSA with a 2048-bit modulus. */
export type KeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';

const DAY_MS = 86_400_000;
/** CA/Browser Forum's old ceiling for leaf certificates, which browsers still enforce locally. */
export const MAX_LEAF_VALIDITY_DAYS = 825;
/** Default validity of the dev CA, in days (ten years: it signs only short-lived leaves). */
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
/** Longest CA validity accepted, in days (RFC 5280 §4.1.2.5 allows more; 30 years is plenty). */
export const MAX_CA_VALIDITY_DAYS = 30 * 365;
/** `notBefore` is set this far in the past, in ms, so a peer whose clock lags still accepts it. */
const CLOCK_SKEW_MS = 3_600_000;

function keyParams(
  algorithm: KeyAlgorithm,
): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  return algorithm === 'ecdsa-p256'
    ? { name: 'ECDSA', namedCurve: 'P-256' }
    : {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
}

function signingAlgorithm(algorithm: KeyAlgorithm): webcrypto.Algorithm & { hash: string } {
  return algorithm === 'ecdsa-p256'
    ? { name: 'ECDSA', hash: 'SHA-256' }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

async function generateKeys(algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(keyParams(algorithm), true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

/** A positive 128-bit serial number (RFC 5280 §4.1.2.2: positive, ≤ 20 octets), as hex. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function privateKeyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A certificate and its private key, both PEM (`CERTIFICATE`, PKCS #8 `PRIVATE KEY`). */
export interface CertificatePem {
  cert: string;
  key: string;
}

/** A CA that can sign leaves: its PEMs plus the parsed certificate and key pair. */
export interface CertificateAuthority extends CertificatePem {
  algorithm: KeyAlgorithm;
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface CreateCaOptions {
  /** Subject CN. Default `netlab dev CA`. */
  commonName?: string;
  /** Default `ecdsa-p256`. */
  algorithm?: KeyAlgorithm;
  /** In days, 1 … {@link MAX_CA_VALIDITY_DAYS}. Default {@link DEFAULT_CA_VALIDITY_DAYS}. */
  validityDays?: number;
}

/**
 * Creates a self-signed root CA: basicConstraints CA:TRUE pathlen 0 (critical), keyUsage
 * keyCertSign + cRLSign (critical), subject key identifier.
 *
 * @throws {InvalidArgumentError} (common) `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_TYPE` for a bad
 *   `validityDays`.
 */
export async function createCa(opts: CreateCaOptions = {}): Promise<CertificateAuthority> {
  const validityDays = validateInteger(
    opts.validityDays ?? DEFAULT_CA_VALIDITY_DAYS,
    'validityDays',
    { min: 1, max: MAX_CA_VALIDITY_DAYS },
  );
  const algorithm = opts.algorithm ?? 'ecdsa-p256';
  const keys = await generateKeys(algorithm);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${opts.commonName ?? 'netlab dev CA'}, O=netlab`,
    notBefore: new Date(now - CLOCK_SKEW_MS),
    notAfter: new Date(now + validityDays * DAY_MS),
    signingAlgorithm: signingAlgorithm(algorithm),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    algorithm,
    certificate,
    keys,
    cert: certificate.toString('pem'),
    key: privateKeyPem(keys.privateKey),
  };
}

export interface IssueOptions {
  /** `server` → extKeyUsage serverAuth; `client` → clientAuth (mTLS). */
  usage: 'server' | 'client';
  /** Subject CN. Default `localhost` for servers, `netlab dev client` for clients. */
  commonName?: string;
  /** SAN DNS names. Default for servers: `['localhost']`; for clients none. */
  dnsNames?: string[];
  /** SAN IP addresses. Default for servers: `['127.0.0.1', '::1']`; for clients none. */
  ipAddresses?: string[];
  /** Key algorithm of the leaf. Default: the CA's. */
  algorithm?: KeyAlgorithm;
  /** In days, 1 … {@link MAX_LEAF_VALIDITY_DAYS} (the default). */
  validityDays?: number;
  /** Start of validity. Default one hour ago (clock skew). Set in the past to make expired certificates for tests. */
  notBefore?: Date;
}

/**
 * Issues a leaf certificate signed by `ca`: basicConstraints CA:FALSE (critical), keyUsage
 * digitalSignature (+ keyEncipherment for RSA), extKeyUsage serverAuth or clientAuth, SAN,
 * subject and authority key identifiers.
 *
 * @throws {InvalidArgumentError} (common) `ERR_OUT_OF_RANGE` when `validityDays` is not an
 *   integer in 1 … {@link MAX_LEAF_VALIDITY_DAYS}, `ERR_INVALID_ARG_TYPE` when it is not a number.
 */
export async function issueCertificate(
  ca: CertificateAuthority,
  opts: IssueOptions,
): Promise<CertificatePem> {
  const validityDays = validateInteger(
    opts.validityDays ?? MAX_LEAF_VALIDITY_DAYS,
    'validityDays',
    {
      min: 1,
      max: MAX_LEAF_VALIDITY_DAYS,
    },
  );
  const algorithm = opts.algorithm ?? ca.algorithm;
  const keys = await generateKeys(algorithm);
  const server = opts.usage === 'server';
  const dnsNames = opts.dnsNames ?? (server ? ['localhost'] : []);
  const ipAddresses = opts.ipAddresses ?? (server ? ['127.0.0.1', '::1'] : []);
  const notBefore = opts.notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
  let keyUsage = x509.KeyUsageFlags.digitalSignature;
  if (algorithm === 'rsa-2048') keyUsage |= x509.KeyUsageFlags.keyEncipherment;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsage, true),
    new x509.ExtendedKeyUsageExtension(
      [server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
  ];
  if (dnsNames.length + ipAddresses.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${opts.commonName ?? (server ? 'localhost' : 'netlab dev client')}, O=netlab`,
    issuer: ca.certificate.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + validityDays * DAY_MS),
    signingAlgorithm: signingAlgorithm(ca.algorithm),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions,
  });
  return { cert: certificate.toString('pem'), key: privateKeyPem(keys.privateKey) };
}

/**
 * Loads a CA from its PEM certificate and PKCS #8 private key (e.g. the dev PKI's `ca.crt` and
 * `ca.key`), so that more leaves can be issued from it ({@link issueCertificate}).
 *
 * @throws {PkiError} `ERR_INVALID_ARG_VALUE` when the certificate or key does not parse, the
 *   certificate is not a CA, its key is neither ECDSA P-256 nor RSA, or the key does not belong
 *   to the certificate.
 */
export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const invalid = (why: string, cause?: unknown): PkiError =>
    new PkiError('ERR_INVALID_ARG_VALUE', `not a usable CA: ${why}`, { cause });
  let certificate: x509.X509Certificate;
  let keyObject: KeyObject;
  try {
    certificate = new x509.X509Certificate(certPem);
  } catch (err) {
    throw invalid(`the certificate does not parse (${(err as Error).message})`, err);
  }
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (constraints?.ca !== true) throw invalid('basicConstraints CA:TRUE missing');
  try {
    keyObject = createPrivateKey(keyPem);
  } catch (err) {
    throw invalid(`the private key does not parse (${(err as Error).message})`, err);
  }
  const type = keyObject.asymmetricKeyType;
  const algorithm: KeyAlgorithm | undefined =
    type === 'ec' && keyObject.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      ? 'ecdsa-p256'
      : type === 'rsa'
        ? 'rsa-2048'
        : undefined;
  if (algorithm === undefined) throw invalid(`unsupported key type ${type}`);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const params = keyParams(algorithm);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, params, true, ['sign']);
  const publicKey = await certificate.publicKey.export(params, ['verify']);
  if (!createPublicKey(keyObject).equals(createPublicKey(certPem))) {
    throw invalid('the private key does not match the certificate');
  }
  return { algorithm, certificate, keys: { privateKey, publicKey }, cert: certPem, key: keyPem };
}
