/**
 * Every wait of tls-echo, once: `createTlsEchoServer` and `connectTlsEcho` resolve their
 * options from this table (common's `resolveLimits`), and the server and client CLIs build
 * their flags and `--help` from it (`limitFlags`, `readLimitFlags`, `limitsHelp`). A bound or a
 * default is written here and nowhere else. (Sizes: the one size tls-echo has, the largest
 * certificate file, is not an option: `MAX_PEM_FILE_BYTES` in packages/certs.)
 */
import { pickLimits, type LimitTable } from 'common';

/** Upper bound of every timeout, in ms: one hour. */
const MAX_TIMEOUT_MS = 3_600_000;

/**
 * The limits, keyed by option name; the CLI flag is the name in kebab case (`idleTimeout` →
 * `--idle-timeout`) unless given. Times in ms; bounds inclusive.
 */
export const LIMITS = {
  idleTimeout: {
    default: 60_000,
    min: 0,
    max: MAX_TIMEOUT_MS,
    unit: 'ms',
    help: 'close connections silent in both directions, 0 = never',
  },
  handshakeTimeout: {
    // Node's default (120 000 ms) is too generous for a handshake on loopback or a LAN and an
    // easy way to hold sockets open; the server aborts with `ERR_TLS_HANDSHAKE_TIMEOUT`.
    default: 10_000,
    min: 1,
    max: MAX_TIMEOUT_MS,
    unit: 'ms',
    help: 'abort unfinished handshakes',
  },
  connectTimeout: {
    default: 10_000,
    min: 1,
    max: MAX_TIMEOUT_MS,
    unit: 'ms',
    flag: '--timeout',
    help: 'TCP connect + TLS handshake limit',
  },
} as const satisfies LimitTable;

/** The server's part of {@link LIMITS}: `createTlsEchoServer` options and server flags. */
export const SERVER_LIMITS = pickLimits(LIMITS, ['idleTimeout', 'handshakeTimeout']);

/** The client's part of {@link LIMITS}: `connectTlsEcho` options and `tls-echo client` flags. */
export const CLIENT_LIMITS = pickLimits(LIMITS, ['connectTimeout']);
