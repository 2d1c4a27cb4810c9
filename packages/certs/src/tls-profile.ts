/**
 * The one TLS profile of every netlab server (tls-echo, https-server), defined once: Mozilla's
 * Server Side TLS guidelines, **version 6.0**, "intermediate" configuration (and "modern" as
 * the stricter option).
 *
 * Source, read 2026-11-26: the guidelines as data,
 * https://ssl-config.mozilla.org/guidelines/6.0.json (mozilla/ssl-config-generator,
 * `src/static/guidelines/6.0.json`), and their rationale,
 * https://wiki.mozilla.org/Security/Server_Side_TLS. Every value below cites its key there.
 *
 * One deliberate deviation, for intermediate only: `server_preferred_order` is `false` in the
 * guidelines; here the server's order is honoured (`honorCipherOrder: true`) together with
 * OpenSSL's `SSL_OP_PRIORITIZE_CHACHA`. Every suite in the list is ECDHE + AEAD, so the order
 * changes no security property: the guidelines leave the pick to the client so that a phone
 * without AES instructions can choose ChaCha20-Poly1305, and PRIORITIZE_CHACHA keeps exactly
 * that (a client that lists ChaCha20 first gets it). What it changes: Debian 12's testssl.sh
 * (3.0.8) rates a server without a cipher order HIGH ("Has server cipher order? no (NOT ok)");
 * testssl.sh 3.2 rates it by the spread of the offered suites' strength, INFO for this list.
 * The modern profile (TLS 1.3 only) follows the guidelines (client order): testssl.sh rates
 * that INFO in every version.
 *
 * Pure data and two pure functions: no I/O (the running OpenSSL's version is an argument).
 */
import { constants } from 'node:crypto';
import type { SecureVersion } from 'node:tls';

/** The guidelines version this profile implements (`version` in the JSON). */
export const MOZILLA_GUIDELINES_VERSION = '6.0';

/** Where the guidelines were read (`href` in the JSON). */
export const MOZILLA_GUIDELINES_URL = 'https://ssl-config.mozilla.org/guidelines/6.0.json';

/** The profiles: `intermediate` (TLS 1.2 + 1.3, the default) and `modern` (TLS 1.3 only). */
export const TLS_PROFILE_NAMES = ['intermediate', 'modern'] as const;
export type TlsProfileName = (typeof TLS_PROFILE_NAMES)[number];

/**
 * TLS 1.3 cipher suites (RFC 8446 §B.4), both profiles (`ciphersuites`), in the guidelines'
 * order. All AEAD; TLS 1.3 has no other kind. OpenSSL and IANA names are the same.
 */
export const TLS13_CIPHERSUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
] as const;

/**
 * intermediate's TLS 1.2 suites (`ciphers.openssl`), in the guidelines' order: ECDHE key
 * exchange only (forward secrecy; no static RSA, no DHE since guidelines 5.8) and AEAD ciphers
 * only (AES-GCM, ChaCha20-Poly1305; no CBC, so no LUCKY13 or padding oracles). The ECDSA and
 * RSA variants are both listed: which ones can be negotiated depends on the server
 * certificate's key.
 */
export const INTERMEDIATE_TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

/**
 * Key-exchange groups (`tls_curves`), both profiles, in the guidelines' order. X25519MLKEM768
 * is the hybrid post-quantum group (draft-ietf-tls-ecdhe-mlkem), which OpenSSL has from 3.5;
 * Node 20 ships OpenSSL 3.0, which refuses the name (see {@link supportedGroups}).
 */
export const GUIDELINE_GROUPS = ['X25519MLKEM768', 'X25519', 'prime256v1', 'secp384r1'] as const;

/** The first OpenSSL version that knows X25519MLKEM768, as `[major, minor]`. */
const MLKEM_MIN_OPENSSL: readonly [number, number] = [3, 5];

/** `Strict-Transport-Security: max-age=…` in seconds: two years (`hsts_min_age`, RFC 6797 §6.1.1). */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** One profile: what a server needs to configure `node:tls`, plus the HSTS age for HTTPS. */
export interface TlsProfile {
  readonly name: TlsProfileName;
  /** Lowest protocol version (`tls_versions`): TLS 1.2 (RFC 5246) or 1.3 (RFC 8446). */
  readonly minVersion: SecureVersion;
  /** Highest protocol version: TLS 1.3 for both. */
  readonly maxVersion: SecureVersion;
  /** TLS 1.3 suites, in order. */
  readonly tls13Ciphersuites: readonly string[];
  /** TLS 1.2 suites, in order (none for modern). */
  readonly tls12Ciphers: readonly string[];
  /** Key-exchange groups the running OpenSSL knows, in order. */
  readonly groups: readonly string[];
  /** Whether the server's order decides (see the module comment for intermediate's). */
  readonly honorCipherOrder: boolean;
  /**
   * OpenSSL `SSL_OP_*` flags: always `SSL_OP_NO_RENEGOTIATION` (no TLS 1.2 renegotiation, the
   * client-initiated kind being a CPU DoS: testssl.sh reports Node's default, which allows a
   * few per client, as "VULNERABLE, potential DoS"); intermediate adds
   * `SSL_OP_PRIORITIZE_CHACHA`.
   */
  readonly secureOptions: number;
  /** HSTS `max-age` in seconds (`hsts_min_age`). */
  readonly hstsMaxAge: number;
}

/**
 * The groups of {@link GUIDELINE_GROUPS} that an OpenSSL of this version accepts (the
 * guidelines' generator does the same: it drops X25519MLKEM768 below OpenSSL 3.5).
 *
 * @param opensslVersion `process.versions.openssl`, e.g. `3.0.19+quic` or `3.5.0`.
 */
export function supportedGroups(opensslVersion: string): string[] {
  const [major = 0, minor = 0] = opensslVersion.split(/[.+-]/).map(Number);
  const [needMajor, needMinor] = MLKEM_MIN_OPENSSL;
  const mlkem = major > needMajor || (major === needMajor && minor >= needMinor);
  return GUIDELINE_GROUPS.filter((group) => mlkem || group !== 'X25519MLKEM768');
}

/**
 * Builds a profile for an OpenSSL version (default: the running one).
 *
 * @param name `intermediate` (default) or `modern`.
 */
export function tlsProfile(
  name: TlsProfileName = 'intermediate',
  opensslVersion: string = process.versions.openssl,
): TlsProfile {
  const modern = name === 'modern';
  return {
    name,
    minVersion: modern ? 'TLSv1.3' : 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    tls13Ciphersuites: TLS13_CIPHERSUITES,
    tls12Ciphers: modern ? [] : INTERMEDIATE_TLS12_CIPHERS,
    groups: supportedGroups(opensslVersion),
    honorCipherOrder: !modern,
    secureOptions: modern
      ? constants.SSL_OP_NO_RENEGOTIATION
      : constants.SSL_OP_NO_RENEGOTIATION | constants.SSL_OP_PRIORITIZE_CHACHA,
    hstsMaxAge: HSTS_MAX_AGE_SECONDS,
  };
}

/** The `node:tls` options that apply a profile (spread them into `tls.createServer` & co.). */
export interface TlsProfileOptions {
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /**
   * TLS 1.3 suites and TLS 1.2 ciphers in one OpenSSL string: Node sends names that start with
   * `TLS_` to `SSL_CTX_set_ciphersuites` and the rest to `SSL_CTX_set_cipher_list`.
   */
  ciphers: string;
  /** The groups, colon-separated (`SSL_CTX_set1_groups_list`). */
  ecdhCurve: string;
  honorCipherOrder: boolean;
  secureOptions: number;
}

/** The options of `profile` for `tls.createServer`, `https.createServer`, `http2.createSecureServer`. */
export function tlsProfileOptions(profile: TlsProfile = tlsProfile()): TlsProfileOptions {
  return {
    minVersion: profile.minVersion,
    maxVersion: profile.maxVersion,
    ciphers: [...profile.tls13Ciphersuites, ...profile.tls12Ciphers].join(':'),
    ecdhCurve: profile.groups.join(':'),
    honorCipherOrder: profile.honorCipherOrder,
    secureOptions: profile.secureOptions,
  };
}

/** The `Strict-Transport-Security` value of a profile: `max-age=63072000` (RFC 6797 §6.1). */
export function hstsHeader(profile: TlsProfile = tlsProfile()): string {
  return `max-age=${profile.hstsMaxAge}`;
}
