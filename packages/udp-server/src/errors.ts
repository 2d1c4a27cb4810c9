import { NetlabError } from 'common';

/**
 * Codes of {@link ProbeError}:
 * - `ERR_PROBE_TOO_SHORT`: fewer bytes than the 20-byte probe header;
 * - `ERR_PROBE_BAD_MAGIC`: the first four bytes are not `NLU1` (not a probe at all);
 * - `ERR_PROBE_WRONG_SESSION`: a probe, but from another run (an old echo, another client);
 * - `ERR_PROBE_BAD_TIMESTAMP`: the send timestamp is not a finite number ≥ 0;
 * - `ERR_PROBE_SIZE_MISMATCH`: the echo is not as long as what was sent (truncated or padded);
 * - `ERR_PROBE_UNKNOWN_SEQUENCE`: a sequence number this run has not sent yet;
 * - `ERR_PROBE_TIMESTAMP_MISMATCH`: the timestamp is not the one this run sent with that
 *   sequence number (corrupted, or forged).
 */
export type ProbeErrorCode =
  | 'ERR_PROBE_TOO_SHORT'
  | 'ERR_PROBE_BAD_MAGIC'
  | 'ERR_PROBE_WRONG_SESSION'
  | 'ERR_PROBE_BAD_TIMESTAMP'
  | 'ERR_PROBE_SIZE_MISMATCH'
  | 'ERR_PROBE_UNKNOWN_SEQUENCE'
  | 'ERR_PROBE_TIMESTAMP_MISMATCH';

/**
 * A datagram the measurement client cannot accept as the echo of one of its probes (see
 * {@link ProbeErrorCode}). Raised by `decodeProbe` and `EchoStats.arrival`; the client counts it
 * as `invalid` and carries on: a stranger's datagram is never a crash.
 */
export class ProbeError extends NetlabError<ProbeErrorCode> {}

/** Code of {@link NoReplyError}. */
export type NoReplyCode = 'ERR_NO_REPLY';

/**
 * The one-shot client sent its datagram `attempts` times and no echo came back within
 * `timeoutMs` of any of them. UDP does not say why: nobody listens on that port (the ICMP "port
 * unreachable" is not reported to an unconnected socket), a firewall dropped it, or the datagram
 * or its echo was lost. Code `ERR_NO_REPLY`.
 */
export class NoReplyError extends NetlabError<NoReplyCode> {
  constructor(
    readonly address: string,
    readonly port: number,
    readonly attempts: number,
    readonly timeoutMs: number,
  ) {
    super(
      'ERR_NO_REPLY',
      `no reply from ${address.includes(':') ? `[${address}]` : address}:${port} after ${attempts} attempt${attempts === 1 ? '' : 's'} × ${timeoutMs} ms`,
    );
  }
}
