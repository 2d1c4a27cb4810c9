/**
 * Every magic value of tcp-server, named, with where it comes from (book = 深入浅出Node.js).
 * Option defaults and bounds are not here: they are in `limits.ts`.
 */

/** Default TCP port of the §7.1 examples (`server.listen(8124)`). */
export const DEFAULT_PORT = 8124;

/** Line feed, the `line` framing's terminator (§7.1 "粘包" fix 2: a delimiter). */
export const LF = 0x0a;
/** Carriage return: stripped when it comes right before {@link LF} (telnet and Windows send CRLF). */
export const CR = 0x0d;

/** Size of the `length` framing's header: a 4-byte unsigned big-endian payload length. */
export const LENGTH_HEADER_SIZE = 4;
/** Largest length a 4-byte unsigned header can declare (2^32 − 1). */
export const MAX_UINT32 = 0xffff_ffff;

/**
 * The `length` splitter holds a frame in progress as views of the chunks it arrived in, but
 * copies pieces smaller than this (1 KiB) together into 1 KiB blocks: each view costs ~100
 * bytes of heap, so a frame sent a byte per segment would otherwise cost ~100× its size.
 */
export const COALESCE_BELOW = 1024;

/** Padding byte the `fixed` encoder appends to a short record (NUL). */
export const FIXED_PADDING = 0x00;

/**
 * Encoders copy a message smaller than this (16 KiB) together with its framing into one
 * buffer, one write; a larger one is written next to its header or terminator, uncopied.
 */
export const COPY_THRESHOLD = 16 * 1024;

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

/** The `echo` mode's greeting line (the book's `"Welcome!"`; kept far under {@link MAX_GREETING_BYTES}). */
export const ECHO_GREETING =
  'welcome to netlab tcp-server (echo, §7.1): every byte comes back unchanged\n';

/**
 * A greeting must be shorter than this, 4 KiB: it is written once per connection without
 * waiting for `drain`, so it must stay small (it sits in memory when the peer does not read).
 */
export const MAX_GREETING_BYTES = 4096;

/** The sticky-packet experiment of the book's notes: the 64-character alphabet, written 18 times. */
export const STICKY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** How many writes the sticky-packet experiment makes in the `connect` callback. */
export const STICKY_WRITES = 18;
