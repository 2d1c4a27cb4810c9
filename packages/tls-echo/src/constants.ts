/**
 * Every magic value of tls-echo, named, with where it comes from (book §7.5, RFC 8446 for
 * TLS 1.3, RFC 5246 for TLS 1.2, RFC 5280 for X.509).
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

/** Closes a connection with no traffic in either direction for this long, in ms (as tcp-server). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * A client must finish the TLS handshake within this time, in ms, or the server aborts it
 * (`tlsClientError` `ERR_TLS_HANDSHAKE_TIMEOUT`). Node's default is 120 000 ms, too generous
 * for a handshake on loopback or a LAN and an easy way to hold sockets open.
 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Client CLI: how long connecting plus the handshake may take, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Upper bound of every timeout flag, in ms (one hour). */
export const MAX_TIMEOUT_MS = 3_600_000;

/** Largest certificate, key or CA file read at start, in bytes (a PEM bundle of many CAs fits). */
export const MAX_PEM_FILE_BYTES = 1024 * 1024;
