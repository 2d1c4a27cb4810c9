/**
 * Every magic value of udp-server, named, with where it comes from (book = 深入浅出Node.js).
 * Option defaults and bounds are not here: they are in `limits.ts`.
 */

/** Default UDP port of the §7.2 examples (`server.bind(41234)`). */
export const DEFAULT_PORT = 41234;

/** The UDP header: source port, destination port, length, checksum, 2 bytes each (RFC 768). */
export const UDP_HEADER_BYTES = 8;

/** An IPv4 header without options (RFC 791 §3.1, IHL = 5 words). */
export const IPV4_HEADER_BYTES = 20;

/** Largest IPv4 datagram: the 16-bit Total Length field (RFC 791 §3.1), header included. */
export const IPV4_MAX_TOTAL_LENGTH = 65_535;

/**
 * Largest UDP payload over IPv4: 65,535 − 20 (IPv4 header) − 8 (UDP header) = 65,507 bytes.
 * A bigger `socket.send` fails with `EMSGSIZE`. (IPv6 allows 65,527: its 16-bit Payload Length,
 * RFC 8200 §3, does not count its own 40-byte header; one limit for both keeps a udp6 server's
 * echo valid for its IPv4-mapped peers.) Over a real network anything above the path MTU
 * (1,500 − 28 = 1,472 bytes on Ethernet) is fragmented, and losing one fragment loses it all.
 */
export const MAX_UDP_PAYLOAD_IPV4 = IPV4_MAX_TOTAL_LENGTH - IPV4_HEADER_BYTES - UDP_HEADER_BYTES;

/**
 * A safe measurement payload over the Internet: QUIC's minimum (RFC 9000 §14: every path must
 * carry 1,200-byte UDP payloads). The bench's "big" size.
 */
export const QUIC_MIN_DATAGRAM = 1_200;

/**
 * Amplification limit of RFC 9000 §8.1: a server may send at most 3× the bytes it received
 * from an address it has not validated. An echo stays at 1× (the reply is the request).
 */
export const RFC9000_AMPLIFICATION_LIMIT = 3;

/** The RFC 3550 §6.4.1 jitter estimator's gain: `J += (|D| − J) / 16`. */
export const JITTER_GAIN_DIVISOR = 16;

/** How often, at most, the measurement client reports progress, in ms. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * `--mode log`: at most this many bytes of a datagram go into the book's
 * `server got: … from addr:port` line (the whole size is logged as a number).
 */
export const LOG_PREVIEW_BYTES = 256;

/*
 * The measurement datagram (probe) of `src/protocol/probe.ts`, all integers big-endian:
 *
 *   offset  size  field
 *   0       4     magic "NLU1" (netlab UDP echo probe, version 1)
 *   4       4     session: uint32, random per run (tells this run's echoes from a stranger's)
 *   8       4     sequence: uint32, 0, 1, 2 … in send order
 *   12      8     sentAt: IEEE 754 binary64, ms on the sender's monotonic clock
 *   20      …     padding, 0x00, up to the requested size
 */

/** A probe's first four bytes, `NLU1`. */
export const PROBE_MAGIC = 0x4e_4c_55_31;
/** Offset of the session id. */
export const PROBE_SESSION_OFFSET = 4;
/** Offset of the sequence number. */
export const PROBE_SEQUENCE_OFFSET = 8;
/** Offset of the send timestamp. */
export const PROBE_SENT_AT_OFFSET = 12;
/** Size of a probe's header; the smallest probe. */
export const PROBE_HEADER_BYTES = 20;
/** The padding byte after the header. */
export const PROBE_PADDING = 0x00;
/** Largest sequence number a probe can carry (2^32 − 1). */
export const MAX_UINT32 = 0xffff_ffff;
