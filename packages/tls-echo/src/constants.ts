/**
 * Every magic value of tls-echo, named, with where it comes from (book §7.5, RFC 8446 for
 * TLS 1.3, RFC 5246 for TLS 1.2, RFC 5280 for X.509). Timeouts, with their defaults and bounds,
 * are in limits.ts.
 */

/** The book's port for the TLS echo server and `tls.connect(8000, options)` client (§7.5.2). */
export const DEFAULT_PORT = 8000;

/** Written once to every secure connection before echoing starts (book §7.5.2: `welcome!\n`). */
export const GREETING = 'welcome!\n';

/**
 * Lowest protocol version accepted. TLS 1.0 and 1.1 are deprecated by RFC 8996; TLS 1.2
 * (RFC 5246) and 1.3 (RFC 8446) remain. Node's own default is also TLS 1.2.
 */
export const MIN_TLS_VERSION = 'TLSv1.2';

/** Largest certificate, key or CA file read at start, in bytes (a PEM bundle of many CAs fits). */
export const MAX_PEM_FILE_BYTES = 1024 * 1024;

/** Credential files are read in chunks of this many bytes (fs streams' default, 64 KiB). */
export const PEM_READ_CHUNK_BYTES = 64 * 1024;
