/**
 * What tls-echo's client CLI explains: the shared TLS table ({@link TLS_ERROR_EXPLANATIONS},
 * which the other TLS packages use too) plus the one code that only the echo protocol has.
 */
import { TLS_ERROR_EXPLANATIONS, type TlsErrorTable } from 'certs';

/**
 * The client CLI's code for a server that closed after the handshake without its greeting
 * (`welcome!\n`): how a Node server refuses a client certificate it cannot verify (TLS 1.3).
 */
export const ERR_TLS_CLOSED_BEFORE_GREETING = 'ERR_TLS_CLOSED_BEFORE_GREETING';

/** The shared table plus `ERR_TLS_CLOSED_BEFORE_GREETING` (all listed in the README). */
export const TLS_ECHO_ERROR_EXPLANATIONS: TlsErrorTable = {
  ...TLS_ERROR_EXPLANATIONS,
  [ERR_TLS_CLOSED_BEFORE_GREETING]: {
    side: 'client',
    explanation:
      'the server closed the connection right after the handshake: a Node server refuses a client certificate it cannot verify (other CA, expired) this way, without an alert; see its log',
  },
};
