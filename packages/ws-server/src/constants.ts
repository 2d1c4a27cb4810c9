/**
 * Every magic value of the package, named, with the RFC 6455 (or book §7.4) section it comes
 * from. The protocol modules import from here; nothing else hard-codes a number.
 */

/** Appended to `Sec-WebSocket-Key` before hashing (RFC 6455 §1.3, §4.2.2 step 5.4). */
export const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The only protocol version this implementation speaks (RFC 6455 §4.1, §4.4). */
export const WS_VERSION = '13';

/** A `Sec-WebSocket-Key` is the base64 of this many random bytes (RFC 6455 §4.1). */
export const KEY_BYTES = 16;

/** Frame opcodes (RFC 6455 §5.2, §11.8). 0x3–0x7 and 0xB–0xF are reserved. */
export enum Opcode {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xa,
}

/** Close codes (RFC 6455 §7.4.1, IANA registry §11.7). */
export enum CloseCode {
  /** Normal closure. */
  Normal = 1000,
  /** Going away: server shutdown, page navigated away. */
  GoingAway = 1001,
  /** Protocol error. */
  ProtocolError = 1002,
  /** Unsupported data type. */
  UnsupportedData = 1003,
  /** Reserved; never on the wire. */
  Reserved = 1004,
  /** No status code was present in the close frame; never on the wire. */
  NoStatus = 1005,
  /** Closed without a close frame; never on the wire. */
  Abnormal = 1006,
  /** Invalid frame payload data (e.g. text that is not UTF-8). */
  InvalidPayload = 1007,
  /** Policy violation. */
  PolicyViolation = 1008,
  /** Message too big. */
  MessageTooBig = 1009,
  /** Client expected an extension the server did not negotiate. */
  MandatoryExtension = 1010,
  /** Internal server error. */
  InternalError = 1011,
  /** Service restart (IANA). */
  ServiceRestart = 1012,
  /** Try again later (IANA). */
  TryAgainLater = 1013,
  /** Bad gateway (IANA). */
  BadGateway = 1014,
  /** TLS handshake failure; never on the wire. */
  TlsHandshake = 1015,
}

/** Largest payload of a control frame, in bytes (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** Largest close reason, in bytes of UTF-8: 125 minus the 2-byte code (RFC 6455 §5.5.1). */
export const MAX_CLOSE_REASON = 123;

/** 7-bit payload length value announcing a 16-bit extended length (RFC 6455 §5.2). */
export const LENGTH_16 = 126;
/** 7-bit payload length value announcing a 64-bit extended length (RFC 6455 §5.2). */
export const LENGTH_64 = 127;

/** Largest payload a 16-bit extended length holds, in bytes (RFC 6455 §5.2). */
export const MAX_LENGTH_16 = 0xffff;

/** Subprotocols the server offers by default: the book's example (§7.4.1). */
export const DEFAULT_PROTOCOLS: readonly string[] = ['chat', 'superchat'];

/** The default port of the book's WebSocket example (§7.4.1). */
export const DEFAULT_PORT = 12010;

/** `/updates` pushes a tick every this many ms (the book's client loop, mirrored). */
export const UPDATES_INTERVAL = 50;

/**
 * The largest delay `setTimeout`/`setInterval` honour, in ms (Node's `TIMEOUT_MAX`, 2³¹−1 ≈ 24.8
 * days; a longer one fires after 1 ms). The upper bound of every wait in `limits.ts`.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** The extension this package implements (RFC 7692 §7). */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/**
 * Bounds of `server_max_window_bits` / `client_max_window_bits`: log2 of the LZ77 sliding
 * window, 256 B to 32 KiB (RFC 7692 §7.1.2.1, §7.1.2.2). 15 is the default when absent.
 */
export const MIN_WINDOW_BITS = 8;
export const MAX_WINDOW_BITS = 15;

/**
 * The 4 bytes a sender removes from the end of a compressed message and a receiver appends
 * before inflating: the empty stored block that `Z_SYNC_FLUSH` emits (RFC 7692 §7.2.1, §7.2.2).
 */
export const DEFLATE_TRAILER: Readonly<Buffer> = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * How many zlib operations (one deflate or inflate call each) may run at once in the whole
 * process; the rest wait in a FIFO (`deflate/zlib-queue.ts`). Each one occupies a thread of
 * libuv's pool (4 threads unless `UV_THREADPOOL_SIZE` says otherwise), which `fs`,
 * `dns.lookup` and `crypto` share: 3 leaves one free for them. Bounding it also bounds how
 * many zlib contexts allocate at once from different threads, the memory fragmentation of
 * nodejs/node#8871 that made `ws` add `concurrencyLimit` (websockets/ws#1202).
 */
export const ZLIB_CONCURRENCY = 3;

/** Redis pub/sub channel of a `/chat` room: this prefix + the room name (`chat/redis-bus.ts`). */
export const REDIS_CHAT_CHANNEL_PREFIX = 'netlab:chat:';

/** Redis key of a `/chat` room's sequence counter: this prefix + the room name. */
export const REDIS_CHAT_SEQ_PREFIX = 'netlab:chat-seq:';

/**
 * A room's counter in Redis expires after this many seconds without a message (one day), so
 * room names chosen by clients cannot fill Redis; an idle room's `seq` then restarts at 1.
 */
export const REDIS_CHAT_SEQ_TTL_S = 86_400;

/**
 * Bytes a message waiting for Redis costs besides its text (the entry, its promise and timer),
 * counted against `chatMaxPending` so that many tiny messages are bounded too.
 */
export const CHAT_PENDING_OVERHEAD = 256;
