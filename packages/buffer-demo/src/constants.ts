/**
 * Every fixed value the demos use, named once, with the book section it comes from
 * (深入浅出Node.js, ch. 6 理解Buffer). Values that depend on the running Node (`Buffer.poolSize`,
 * the default highWaterMark) are never written here: the demos read them at run time.
 */

/** §6.1.2 Buffer对象: the book's example string, 4 CJK characters (3 UTF-8 bytes each) + 7 ASCII. */
export const BOOK_TEXT = '深入浅出node.js';

/** §6.1.2: the book's element assignments, `buf[i] = v`, and what a byte can hold. */
export const BOOK_ASSIGNMENTS = [-100, 300, 3.1415] as const;

/** §6.3.1 乱码是如何产生的: the book's test.md, 李白《静夜思》 (24 CJK characters and full-width punctuation). */
export const POEM = '床前明月光，疑是地上霜；举头望明月，低头思故乡。';

/** §6.3.1: the book reads test.md with `fs.createReadStream(path, { highWaterMark: 11 })`. */
export const GARBLED_HIGH_WATER_MARK = 11;

/** U+FFFD REPLACEMENT CHARACTER: what a UTF-8 decoder emits for bytes that are not a character. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * §6.2 Buffer的转换: a mixed string for the encoding table: ASCII, CJK (3 UTF-8 bytes), Latin-1
 * (é: 2 UTF-8 bytes, 1 latin1 byte), a BMP symbol outside Latin-1 (€) and an astral character
 * (😀: a UTF-16 surrogate pair, 4 UTF-8 bytes).
 */
export const MIXED_TEXT = 'Node.js 深入浅出 café €5 😀';

/** §6.2.3 不支持的编码类型: simplified and traditional Chinese for GBK/GB2312/Big5 (浅 vs 淺). */
export const CHINESE_SIMPLIFIED = '深入浅出Node.js';
export const CHINESE_TRADITIONAL = '深入淺出Node.js';

/** §6.2.3: the legacy Chinese encodings Node lacks and iconv-lite provides. */
export const LEGACY_ENCODINGS = ['gbk', 'gb2312', 'big5'] as const;
export type LegacyEncoding = (typeof LEGACY_ENCODINGS)[number];

/** §6.4 Buffer与性能: the book's static body, a string of 10 KiB (`helloworld += 'a'` × 1024 × 10). */
export const STATIC_BODY_BYTES = 10 * 1024;

/** §6.4.1 文件读取: the highWaterMark settings compared, 1 KiB … 4 MiB in steps of 4×. */
export const HIGH_WATER_MARKS = [
  1024,
  4 * 1024,
  16 * 1024,
  64 * 1024,
  256 * 1024,
  1024 * 1024,
  4 * 1024 * 1024,
] as const;

/** Size of the blocks the highwatermark demo writes its generated file in. */
export const GENERATE_BLOCK_BYTES = 1024 * 1024;

/** allocation demo: the size of a "socket read" chunk whose retained slice pins it (Node's read buffer is 64 KiB). */
export const SOCKET_CHUNK_BYTES = 64 * 1024;

/** allocation demo: the bytes of each small message, small enough to come from the pool. */
export const SMALL_MESSAGE_BYTES = 1000;

/** allocation demo: the slice a parser keeps from each message (a token, a header value). */
export const RETAINED_SLICE_BYTES = 10;

/** structure demo: the secret written into memory that is then freed, to find it again in `allocUnsafe`. */
export const STALE_SECRET = 'SECRET-PASSWORD';

/** structure demo: how many free-then-allocUnsafe rounds to try before giving up on finding the secret. */
export const STALE_ATTEMPTS = 50;

/** Directory name (under the OS temp dir) charts go to when `--out` is not given. */
export const DEFAULT_OUT_DIR_NAME = 'buffer-demo-out';

/** Prefix of the temporary directories the file demos create (and always remove). */
export const TEMP_PREFIX = 'buffer-demo-';
