/**
 * Every magic value of tls-echo, named, with where it comes from (book §7.5, RFC 8446 for
 * TLS 1.3, RFC 5246 for TLS 1.2, RFC 5280 for X.509). Timeouts, with their defaults and bounds,
 * are in limits.ts.
 */

/** The book's port for the TLS echo server and `tls.connect(8000, options)` client (§7.5.2). */
export const DEFAULT_PORT = 8000;

/** Written once to every secure connection before echoing starts (book §7.5.2: `welcome!\n`). */
export const GREETING = 'welcome!\n';
