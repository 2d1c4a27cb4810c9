/**
 * Every size and every wait of tcp-server, once: `createTcpServer`, `TcpClient.connect` and the
 * decoders resolve their options from this table (common's `resolveLimits`), and the server and
 * client CLIs build their flags and `--help` from it (`limitFlags`, `readLimitFlags`,
 * `limitsHelp`). A bound or a default is written here and nowhere else.
 */
import { pickLimits, type LimitTable } from 'common';

/** Upper bound of every size limit: 1 GiB. */
const MAX_SIZE = 1024 * 1024 * 1024;

/**
 * The limits, keyed by option name (the CLI flag is the name in kebab case: `maxMessage` →
 * `--max-message`). Sizes in bytes (flags take `64k`, `16m`), times in ms; bounds inclusive.
 */
export const LIMITS = {
  maxMessage: {
    default: 64 * 1024,
    min: 1,
    max: MAX_SIZE,
    unit: 'bytes',
    help: 'line: longest message, \\n not counted',
  },
  maxPayload: {
    default: 16 * 1024 * 1024,
    min: 0,
    max: MAX_SIZE,
    unit: 'bytes',
    help: 'length: largest payload a header may declare',
  },
  frameSize: {
    default: 128,
    min: 1,
    max: MAX_SIZE,
    unit: 'bytes',
    help: 'fixed: record size',
  },
  idleTimeout: {
    default: 60_000,
    min: 0,
    max: 86_400_000, // one day
    unit: 'ms',
    help: 'close a connection idle this long, 0 = never',
  },
  maxConnections: {
    default: undefined, // unlimited
    min: 1,
    max: 1_000_000,
    unit: 'count',
    help: 'server.maxConnections, more are dropped; unset = unlimited',
  },
  connectTimeout: {
    default: 10_000,
    min: 1,
    max: 600_000,
    unit: 'ms',
    help: 'client: give up connecting after this long',
  },
} as const satisfies LimitTable;

/** The limits every framing codec reads (the server's and the client's alike). */
const CODEC_KEYS = ['maxMessage', 'maxPayload', 'frameSize'] as const;

/** The server's part of {@link LIMITS}: `createTcpServer` options and `tcp-server` flags. */
export const SERVER_LIMITS = pickLimits(LIMITS, [...CODEC_KEYS, 'idleTimeout', 'maxConnections']);

/** The client's part of {@link LIMITS}: `TcpClient.connect` options and `tcp-server client` flags. */
export const CLIENT_LIMITS = pickLimits(LIMITS, [...CODEC_KEYS, 'connectTimeout']);
