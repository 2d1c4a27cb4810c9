/**
 * What https-server's client CLI explains: the shared TLS table (packages/certs) plus the codes
 * only an HTTPS or HTTP/2 client meets.
 */
import { TLS_ERROR_EXPLANATIONS, type TlsErrorTable } from 'certs';

/** The shared table plus the HTTP and HTTP/2 codes (all listed in the README). */
export const HTTPS_ERROR_EXPLANATIONS: TlsErrorTable = {
  ...TLS_ERROR_EXPLANATIONS,
  ERR_HTTP2_NOT_NEGOTIATED: {
    side: 'client',
    explanation:
      'the server did not choose h2 in ALPN: it does not speak HTTP/2 over TLS (drop --http2)',
  },
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: {
    side: 'client',
    explanation:
      'the server supports none of the ALPN protocols offered (RFC 7301 §3.2): with --http2 only h2 is offered',
  },
  ERR_HTTP_RESPONSE_TOO_LARGE: {
    side: 'client',
    explanation: 'the response body is over --max-response-body: raise it',
  },
  ETIMEDOUT: {
    side: 'client',
    explanation:
      'nothing happened within the limit (--connect-timeout for the connection, --timeout once connected)',
  },
  ERR_HTTP2_STREAM_ERROR: {
    side: 'client',
    explanation:
      'the server reset the stream (RST_STREAM): e.g. headers over its header list limit (ENHANCE_YOUR_CALM) or a request that timed out',
  },
  ERR_HTTP2_GOAWAY_SESSION: {
    side: 'client',
    explanation:
      'the server sent GOAWAY (shutting down or closing an idle session): retry on a new connection',
  },
};
