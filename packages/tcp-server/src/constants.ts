/**
 * Every magic value of tcp-server, named, with where it comes from (book = 深入浅出Node.js).
 */

/** Default TCP port of the §7.1 examples (`server.listen(8124)`). */
export const DEFAULT_PORT = 8124;

/** Line feed, the `line` framing's terminator (§7.1 "粘包" fix 2: a delimiter). */
export const LF = 0x0a;
/** Carriage return: stripped when it comes right before {@link LF} (telnet and Windows send CRLF). */
export const CR = 0x0d;

/** Default `maxMessage` of the `line` framing: 64 KiB, the terminator not counted. */
export const DEFAULT_MAX_MESSAGE = 64 * 1024;

/** Size of the `length` framing's header: a 4-byte unsigned big-endian payload length. */
export const LENGTH_HEADER_SIZE = 4;
/** Largest length a 4-byte unsigned header can declare (2^32 − 1). */
export const MAX_UINT32 = 0xffff_ffff;
/** Default `maxPayload` of the `length` framing: 16 MiB. */
export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/** Default record size of the `fixed` framing, in bytes. */
export const DEFAULT_FRAME_SIZE = 128;
/** Padding byte the `fixed` encoder appends to a short record (NUL). */
export const FIXED_PADDING = 0x00;

/**
 * Encoders copy a message smaller than this (16 KiB) together with its framing into one
 * buffer, one write; a larger one is written next to its header or terminator, uncopied.
 */
export const COPY_THRESHOLD = 16 * 1024;

/** Upper bound accepted for `maxMessage`, `maxPayload` and `frameSize`: 1 GiB. */
export const MAX_SIZE_LIMIT = 1024 * 1024 * 1024;

/** Default idle timeout: a connection with no traffic for 60 s is closed (`socket.setTimeout`, §7.1). */
export const DEFAULT_IDLE_TIMEOUT = 60_000;
/** Largest accepted idle timeout: one day, in ms. */
export const MAX_IDLE_TIMEOUT = 86_400_000;

/**
 * Per-connection buffering budget of each stream stage (decoder output, encoder input) in
 * framed modes: the stage's objectMode high-water mark is this divided by the largest
 * message, clamped to 1–16 messages. Backpressure bounds the rest.
 */
export const STAGE_BUFFER_BYTES = 1024 * 1024;

/**
 * After a framing error the server ends its side, then keeps reading (and discarding) for at
 * most this long, in ms, so the reply is not lost to a TCP RST; then it destroys the socket.
 */
export const ERROR_LINGER_MS = 2_000;

/** The `echo` mode's greeting line (the book's `"Welcome!"`; kept far under 4 KiB). */
export const ECHO_GREETING =
  'welcome to netlab tcp-server (echo, §7.1): every byte comes back unchanged\n';

/** The sticky-packet experiment of the book's notes: the 64-character alphabet, written 18 times. */
export const STICKY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** How many writes the sticky-packet experiment makes in the `connect` callback. */
export const STICKY_WRITES = 18;
