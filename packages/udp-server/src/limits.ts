/**
 * Every size, rate and wait of udp-server, with its default, bounds and `--help` line, written
 * once: the library (`createUdpServer`, `RateLimiter`, `sendOnce`, `measure`, `encodeProbe`)
 * resolves its options from these tables (common's `resolveLimits`) and `main.ts` builds the
 * server's and the client's flags and `--help` from them (`limitFlags`, `readLimitFlags`,
 * `limitsHelp`). Sizes in bytes (flags take `64k`), times in ms; bounds inclusive.
 */
import type { LimitTable } from 'common';
import { MAX_UDP_PAYLOAD_IPV4, PROBE_HEADER_BYTES } from './constants.ts';

/** The server's limits (`createUdpServer` options, `udp-server` flags; the flag is the key in kebab case unless named). */
export const LIMITS = {
  rate: {
    default: undefined,
    min: 1,
    max: 1_000_000,
    unit: 'count',
    help: 'datagrams/s per source IP (token bucket), excess dropped; none: off',
  },
  burst: {
    default: undefined,
    min: 1,
    max: 1_000_000,
    unit: 'count',
    help: 'datagrams one source may send at once; none: as --rate',
  },
  maxSources: {
    default: 10_000,
    min: 1,
    max: 1_000_000,
    unit: 'count',
    help: 'source IPs the rate limiter tracks; least recently seen go first',
  },
  recvBufferSize: {
    default: undefined,
    min: 4_096,
    max: 64 * 1024 * 1024,
    unit: 'bytes',
    help: 'SO_RCVBUF (Linux doubles it, caps at rmem_max); none: the OS default',
    flag: '--recv-buffer',
  },
  sendBufferSize: {
    default: undefined,
    min: 4_096,
    max: 64 * 1024 * 1024,
    unit: 'bytes',
    help: 'SO_SNDBUF (Linux doubles it, caps at wmem_max); none: the OS default',
    flag: '--send-buffer',
  },
  maxSendQueue: {
    default: 1_024,
    min: 1,
    max: 1_000_000,
    unit: 'count',
    help: 'replies queued in libuv on a full send buffer; more are dropped',
  },
} as const satisfies LimitTable;

/** The client's limits (`sendOnce` / `measure` options, `udp-server client` flags). */
export const CLIENT_LIMITS = {
  timeout: {
    default: 1_000,
    min: 1,
    max: 60_000,
    unit: 'ms',
    help: 'wait this long for each echo',
  },
  retries: {
    default: 2,
    min: 0,
    max: 100,
    unit: 'count',
    help: 'one-shot: send again this many times when no echo comes',
  },
  count: {
    default: undefined,
    min: 1,
    max: 1_000_000,
    unit: 'count',
    help: 'measurement: numbered datagrams to send; none: one-shot',
  },
  size: {
    default: 64,
    min: PROBE_HEADER_BYTES,
    max: MAX_UDP_PAYLOAD_IPV4,
    unit: 'bytes',
    help: `measurement: bytes per datagram, ${PROBE_HEADER_BYTES} to ${MAX_UDP_PAYLOAD_IPV4}`,
  },
  window: {
    default: 32,
    min: 1,
    max: 65_536,
    unit: 'count',
    help: 'measurement: datagrams in flight at most',
  },
} as const satisfies LimitTable;
