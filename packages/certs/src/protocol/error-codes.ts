/**
 * The TLS error codes a user of the book's §7.5 servers and clients meets, each explained in one
 * line: the table every netlab TLS package shares (it names no package, only the flags their
 * CLIs have in common: `--ca`, `--cert/--key`, `--servername`, `--insecure`). Node reports certificate-verification failures with OpenSSL's X.509 names
 * (`SELF_SIGNED_CERT_IN_CHAIN`, from `X509_verify_cert_error_string`), TLS alerts received from
 * the peer as `ERR_SSL_<alert>` (RFC 8446 §6.2, RFC 5246 §7.2), local OpenSSL failures as
 * `ERR_SSL_<reason>`, and its own checks as `ERR_TLS_*`. Pure data: no I/O.
 */

/** Who sees the code: the connecting client, the server (`tlsClientError`), or either. */
export type TlsErrorSide = 'client' | 'server' | 'either';

export interface TlsErrorExplanation {
  side: TlsErrorSide;
  /** One line: what happened and what to do about it. */
  explanation: string;
}

/** A table of explanations, keyed by `err.code`. */
export type TlsErrorTable = Readonly<Record<string, TlsErrorExplanation>>;

/** The shared table (printed in the README). Keys are `err.code` values. */
export const TLS_ERROR_EXPLANATIONS: TlsErrorTable = {
  // Certificate verification by the client (the server's certificate chain).
  SELF_SIGNED_CERT_IN_CHAIN: {
    side: 'client',
    explanation:
      "the server's chain ends in a self-signed root CA you don't trust: pass that CA with --ca (never fix it with --insecure)",
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    side: 'either',
    explanation:
      "the certificate's issuer is not among the trusted CAs (client: pass the server's CA with --ca; server: the client's certificate is from another CA)",
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    side: 'client',
    explanation:
      'the issuer of a certificate in the chain is not among your trusted CAs: pass the CA with --ca (or the server should send its intermediate)',
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    side: 'client',
    explanation:
      'the server certificate is self-signed (no CA at all): trust it explicitly with --ca, or better issue it from a CA (pnpm certs)',
  },
  CERT_HAS_EXPIRED: {
    side: 'either',
    explanation: "a certificate's notAfter date has passed: issue a new one (pnpm certs --force)",
  },
  CERT_NOT_YET_VALID: {
    side: 'either',
    explanation:
      "a certificate's notBefore date is in the future: check the clock of both machines",
  },
  CERT_SIGNATURE_FAILURE: {
    side: 'either',
    explanation:
      'a certificate signature does not verify against its issuer: the chain was tampered with or mixed up',
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    side: 'client',
    explanation:
      "the host name (or --servername) is not in the certificate's subjectAltName: connect with a name the certificate lists (localhost, 127.0.0.1, ::1)",
  },
  // Alerts the server sends back when it refuses the client's certificate (mTLS).
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: {
    side: 'client',
    explanation:
      "the server requires a client certificate (mutual TLS) and none was sent: pass --cert and --key signed by the server's CA",
  },
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: {
    side: 'client',
    explanation:
      'the server aborted the handshake (over TLS 1.2: usually no client certificate, or no cipher in common)',
  },
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: {
    side: 'either',
    explanation:
      'the peer does not trust the CA that signed your certificate (OpenSSL peers send this alert; Node peers just close)',
  },
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: {
    side: 'either',
    explanation: 'the peer refused your certificate because it has expired: issue a new one',
  },
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: {
    side: 'either',
    explanation:
      'the peer rejected a certificate as malformed or unusable (wrong key usage, bad signature)',
  },
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: {
    side: 'either',
    explanation:
      'a handshake signature did not verify: a certificate was used with a private key that is not its own',
  },
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: {
    side: 'client',
    explanation:
      'no TLS version in common: this server accepts TLS 1.2 and 1.3 only (TLS 1.0/1.1 are deprecated, RFC 8996)',
  },
  // What the server logs in `tlsClientError`.
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: {
    side: 'server',
    explanation: 'a client connected without a certificate while mutual TLS is required: refused',
  },
  ERR_SSL_CERTIFICATE_VERIFY_FAILED: {
    side: 'either',
    explanation:
      "the peer's certificate did not verify against the trusted CAs (unknown CA, expired, or wrong usage)",
  },
  ERR_SSL_UNSUPPORTED_PROTOCOL: {
    side: 'server',
    explanation: 'a client offered only protocol versions below the minimum (TLS 1.2): refused',
  },
  ERR_SSL_NO_SHARED_CIPHER: {
    side: 'server',
    explanation: 'the client offered no cipher suite the server accepts',
  },
  ERR_SSL_HTTP_REQUEST: {
    side: 'server',
    explanation:
      'a plain-text HTTP request arrived on the TLS port: use https:// (or openssl s_client)',
  },
  ERR_SSL_WRONG_VERSION_NUMBER: {
    side: 'either',
    explanation:
      'the bytes received are not TLS: a plain-text peer on a TLS port, or TLS sent to a plain-text port',
  },
  ERR_TLS_HANDSHAKE_TIMEOUT: {
    side: 'either',
    explanation:
      'the TLS handshake did not finish in time: the peer stalled, does not speak TLS, or (Node clients) silently rejected our certificate',
  },
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: {
    side: 'either',
    explanation:
      'the private key does not belong to the certificate: pass the key generated with it',
  },
  // Transport errors before TLS starts.
  ECONNREFUSED: {
    side: 'client',
    explanation:
      'nothing listens on that host and port: start the server (pnpm start) or check --host/--port',
  },
  ECONNRESET: {
    side: 'either',
    explanation:
      'the peer closed the TCP connection abruptly (for TLS: often right after refusing the handshake)',
  },
};

/**
 * The one-line explanation of `code` in `table` (default: the shared one, which a package may
 * extend with its own codes), or undefined when the table does not know it.
 */
export function explainTlsError(
  code: string | undefined,
  table: TlsErrorTable = TLS_ERROR_EXPLANATIONS,
): string | undefined {
  return code === undefined ? undefined : table[code]?.explanation;
}

/**
 * One line for a failed connection: `CODE: explanation`, falling back to the error's own
 * message (first line, OpenSSL's location suffix dropped) when the code is not in `table`.
 */
export function formatTlsError(
  err: { code?: string | undefined; message: string },
  table: TlsErrorTable = TLS_ERROR_EXPLANATIONS,
): string {
  const code = err.code ?? 'ERR_UNKNOWN';
  const explanation = explainTlsError(err.code, table) ?? firstLine(err.message);
  return `${code}: ${explanation}`;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  // OpenSSL messages look like `80..:error:0A00045C:SSL routines:fn:reason:file.c:1601:`.
  const m = /:SSL routines:[^:]*:([^:]+):/.exec(line);
  return m?.[1] ?? line;
}
