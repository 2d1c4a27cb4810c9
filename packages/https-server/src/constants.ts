/**
 * Every magic value of https-server, named, with where it comes from (limits, with their
 * defaults and bounds, are in `limits.ts`; the TLS profile in packages/certs). Book references
 * are to 深入浅出Node.js §7.5.3 ("HTTPS服务"); RFC 9110 is HTTP semantics, RFC 9113 HTTP/2,
 * RFC 7301 ALPN, RFC 6797 HSTS.
 */

/** netlab's HTTPS port (the book listens on 8000 for both TLS and HTTPS; tls-echo has it). */
export const DEFAULT_PORT = 8443;

/** The book's HTTPS answer (§7.5.3: `res.writeHead(200); res.end("hello world\n")`). */
export const HELLO = 'hello world\n';

/** The URL scheme of the `listening on` line and of the redirect's `Location`. */
export const SCHEME = 'https';

/**
 * ALPN protocol IDs (RFC 7301 §3; IANA registry), in the server's order of preference: `h2`
 * (HTTP/2 over TLS, RFC 9113 §3.2) first, then `http/1.1`. `http2.createSecureServer` with
 * `allowHTTP1` offers exactly these; a client that sends no ALPN gets HTTP/1.1.
 */
export const ALPN_PROTOCOLS = ['h2', 'http/1.1'] as const;

/** The port an `https:` URL means when it names none (RFC 9110 §4.2.2). */
export const HTTPS_DEFAULT_PORT = 443;

/** The redirect listener's status: 308 Permanent Redirect keeps the method and body (RFC 9110 §15.4.9). */
export const REDIRECT_STATUS = 308;

/**
 * Fields set on every routed response, besides `Strict-Transport-Security` (from the TLS
 * profile). `nosniff`: a browser must not guess another type than `Content-Type` says
 * (`/echo` reflects the request's body and type). The CSP forbids every subresource and
 * framing: this server sends text and JSON, never pages (`frame-ancestors` replaces
 * `X-Frame-Options`).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** The client CLI's default URL. */
export const DEFAULT_URL = `https://localhost:${DEFAULT_PORT}/`;
