/**
 * Every size and every wait of the package, once: default, bounds, unit and help line. The
 * library resolves its options from these tables (`resolveLimits`), and `main.ts` builds its
 * flags and `--help` from the same ones (`limitFlags`, `readLimitFlags`, `limitsHelp`), so the
 * CLI and `createWsServer()`/`connect()` accept exactly the same values.
 */
import { constants as bufferConstants } from 'node:buffer';
import { pickLimits, type LimitTable } from 'common';
import { MAX_TIMER_DELAY, MAX_WINDOW_BITS, MIN_WINDOW_BITS } from './constants.ts';

/**
 * The largest `maxPayload`: a text message is delivered as a JS string, and UTF-8 of N bytes
 * decodes to at most N UTF-16 code units, so every text message up to this many bytes fits in
 * one (`buffer.constants.MAX_STRING_LENGTH`, 2²⁹−24 on 64-bit Node 20). A larger limit would let
 * a peer send a text message that `toString()` cannot represent.
 */
const MAX_MESSAGE = bufferConstants.MAX_STRING_LENGTH;

/** Server limits (`createWsServer` options and the server's flags). */
export const LIMITS = {
  maxPayload: {
    default: 16 * 1024 * 1024,
    min: 1,
    max: MAX_MESSAGE,
    unit: 'bytes',
    help: 'largest message (all fragments together); over it → close 1009',
  },
  heartbeatInterval: {
    default: 30_000,
    min: 0,
    max: MAX_TIMER_DELAY,
    unit: 'ms',
    flag: '--heartbeat',
    help: 'ping interval; a peer that missed the last pong is terminated; 0 = off',
  },
  closeTimeout: {
    default: 5_000,
    min: 1,
    max: MAX_TIMER_DELAY,
    unit: 'ms',
    help: "wait for the peer's close frame after ours (RFC 6455 §7.1.1), then destroy",
  },
  handshakeTimeout: {
    default: 10_000,
    min: 1,
    max: MAX_TIMER_DELAY,
    unit: 'ms',
    help: 'time a client has to send the upgrade request headers; then 408',
  },
  maxFragments: {
    default: 16 * 1024,
    min: 1,
    max: 2 ** 31 - 1,
    unit: 'count',
    help: 'frames one message may arrive in; over it → close 1008',
  },
  maxBufferedChunks: {
    default: 32 * 1024,
    min: 1,
    max: 2 ** 31 - 1,
    unit: 'count',
    help: 'socket reads one frame may span while buffered; over it → close 1008',
  },
  chatMaxBuffered: {
    default: 1024 * 1024,
    min: 0,
    max: 1024 ** 3,
    unit: 'bytes',
    flag: false,
    help: '/chat skips a member with more unflushed bytes than this (a slow reader)',
  },
} as const satisfies LimitTable;

/**
 * Limits of the chat buses that leave the process (`ClusterChatBus`, `RedisChatBus` options and
 * the server's flags; the primary's `ChatRelay` reads `chatMaxPending` too).
 */
export const CHAT_BUS_LIMITS = {
  chatPublishTimeout: {
    default: 2_000,
    min: 1,
    max: MAX_TIMER_DELAY,
    unit: 'ms',
    help: '/chat: a message waits this long for Redis (reconnecting), then its sender gets an error frame',
  },
  chatMaxPending: {
    default: 4 * 1024 * 1024,
    min: 0,
    max: 1024 ** 3,
    unit: 'bytes',
    help: '/chat: bytes handed to the bus and not yet confirmed; past it a message is refused at once',
  },
} as const satisfies LimitTable;

/** Limits of one connection (`WebSocket` options): the server's rows, for both roles. */
export const CONNECTION_LIMITS = pickLimits(LIMITS, [
  'maxPayload',
  'maxFragments',
  'maxBufferedChunks',
  'closeTimeout',
]);

/** Client limits (`connect()` options and the `client` command's flags): the same bounds. */
export const CLIENT_LIMITS = {
  ...CONNECTION_LIMITS,
  handshakeTimeout: {
    ...LIMITS.handshakeTimeout,
    help: 'time for the TCP connect and the 101 response',
  },
} as const satisfies LimitTable;

/**
 * permessage-deflate's numbers (`perMessageDeflate` options of `createWsServer` and `connect`,
 * RFC 7692 §7.1.2; zlib's `level` and `memLevel`). Library options only: the CLI has
 * `--deflate` and `--deflate-context-takeover`.
 */
export const DEFLATE_LIMITS = {
  threshold: {
    default: 1024,
    min: 0,
    max: MAX_MESSAGE,
    unit: 'bytes',
    flag: false,
    help: 'messages smaller than this are sent uncompressed',
  },
  serverMaxWindowBits: {
    default: MAX_WINDOW_BITS,
    min: MIN_WINDOW_BITS,
    max: MAX_WINDOW_BITS,
    unit: 'count',
    flag: false,
    help: "log2 of the server's LZ77 window (server_max_window_bits)",
  },
  clientMaxWindowBits: {
    default: MAX_WINDOW_BITS,
    min: MIN_WINDOW_BITS,
    max: MAX_WINDOW_BITS,
    unit: 'count',
    flag: false,
    help: "log2 of the client's LZ77 window (client_max_window_bits)",
  },
  level: {
    default: 6,
    min: 0,
    max: 9,
    unit: 'count',
    flag: false,
    help: "zlib compression level (6, zlib's default)",
  },
  memLevel: {
    default: 8,
    min: 1,
    max: 9,
    unit: 'count',
    flag: false,
    help: "zlib memLevel: memory for the compressor's hash chains (8, zlib's default)",
  },
} as const satisfies LimitTable;
