/**
 * The measurement datagram ("probe"): what `udp-server client --count N` sends and expects to
 * get back unchanged from an echo server. Pure: no sockets, no clock.
 *
 * ```
 * offset  size  field
 * 0       4     magic "NLU1"
 * 4       4     session   uint32 BE, random per run
 * 8       4     sequence  uint32 BE, 0, 1, 2 … in send order
 * 12      8     sentAt    float64 BE, ms on the sender's monotonic clock
 * 20      …     padding   0x00 up to the requested size
 * ```
 *
 * Like iperf3's UDP mode and TWAMP (RFC 5357) test packets, the sender's own numbers ride in
 * the datagram, so the receiver can tell loss (a number never seen), duplicates (seen twice) and
 * reordering (seen after a higher one), and the echo carries its own send time back.
 */
import { InvalidArgumentError, validateInteger } from 'common';
import {
  MAX_UDP_PAYLOAD_IPV4,
  MAX_UINT32,
  PROBE_HEADER_BYTES,
  PROBE_MAGIC,
  PROBE_SENT_AT_OFFSET,
  PROBE_SEQUENCE_OFFSET,
  PROBE_SESSION_OFFSET,
} from '../constants.ts';
import { ProbeError } from '../errors.ts';

/** A probe's header fields. */
export interface Probe {
  /** Random per measurement run, uint32. */
  session: number;
  /** uint32, counting from 0 in send order. */
  sequence: number;
  /** Send time in ms on the sender's monotonic clock (`performance.now()`), finite, ≥ 0. */
  sentAt: number;
}

/** What {@link decodeProbe} checks besides the format. */
export interface ProbeExpectations {
  /** The run's session id: a probe with another one is rejected (`ERR_PROBE_WRONG_SESSION`). */
  session?: number;
  /** The size every probe of the run was sent with (`ERR_PROBE_SIZE_MISMATCH`). */
  size?: number;
}

/**
 * Encodes `probe` into a new buffer of `size` bytes (header + zero padding).
 *
 * @throws {InvalidArgumentError} `ERR_OUT_OF_RANGE` / `ERR_INVALID_ARG_TYPE` when `size` is not
 *   in [20, 65,507], `session` or `sequence` is not a uint32, or `sentAt` is not finite and ≥ 0.
 */
export function encodeProbe(probe: Probe, size: number): Buffer {
  validateInteger(size, 'size', { min: PROBE_HEADER_BYTES, max: MAX_UDP_PAYLOAD_IPV4 });
  validateInteger(probe.session, 'session', { min: 0, max: MAX_UINT32 });
  validateInteger(probe.sequence, 'sequence', { min: 0, max: MAX_UINT32 });
  if (!Number.isFinite(probe.sentAt) || probe.sentAt < 0) {
    throw new InvalidArgumentError(
      'ERR_OUT_OF_RANGE',
      `The value of "sentAt" is out of range. It must be a finite number >= 0. Received ${probe.sentAt}`,
    );
  }
  const buf = Buffer.alloc(size); // zero-filled: the padding
  buf.writeUInt32BE(PROBE_MAGIC, 0);
  buf.writeUInt32BE(probe.session, PROBE_SESSION_OFFSET);
  buf.writeUInt32BE(probe.sequence, PROBE_SEQUENCE_OFFSET);
  buf.writeDoubleBE(probe.sentAt, PROBE_SENT_AT_OFFSET);
  return buf;
}

/**
 * Decodes a received datagram as a probe. Any bytes at all may come in (a stranger, a port
 * scanner, an old run's echo); anything that is not one of ours is rejected with a
 * {@link ProbeError}, never another exception. The padding is not inspected (the UDP checksum
 * covers it).
 *
 * @throws {ProbeError} `ERR_PROBE_TOO_SHORT`, `ERR_PROBE_BAD_MAGIC`, `ERR_PROBE_SIZE_MISMATCH`,
 *   `ERR_PROBE_WRONG_SESSION`, `ERR_PROBE_BAD_TIMESTAMP`.
 */
export function decodeProbe(datagram: Buffer, expect: ProbeExpectations = {}): Probe {
  if (datagram.length < PROBE_HEADER_BYTES) {
    throw new ProbeError(
      'ERR_PROBE_TOO_SHORT',
      `datagram of ${datagram.length} bytes is shorter than the ${PROBE_HEADER_BYTES}-byte probe header`,
    );
  }
  if (datagram.readUInt32BE(0) !== PROBE_MAGIC) {
    throw new ProbeError('ERR_PROBE_BAD_MAGIC', 'datagram does not start with the probe magic');
  }
  if (expect.size !== undefined && datagram.length !== expect.size) {
    throw new ProbeError(
      'ERR_PROBE_SIZE_MISMATCH',
      `probe of ${datagram.length} bytes, expected ${expect.size}`,
    );
  }
  const session = datagram.readUInt32BE(PROBE_SESSION_OFFSET);
  if (expect.session !== undefined && session !== expect.session) {
    throw new ProbeError(
      'ERR_PROBE_WRONG_SESSION',
      `probe of session ${session}, expected ${expect.session}`,
    );
  }
  const sentAt = datagram.readDoubleBE(PROBE_SENT_AT_OFFSET);
  if (!Number.isFinite(sentAt) || sentAt < 0) {
    throw new ProbeError('ERR_PROBE_BAD_TIMESTAMP', `probe timestamp ${sentAt} is not valid`);
  }
  return { session, sequence: datagram.readUInt32BE(PROBE_SEQUENCE_OFFSET), sentAt };
}
