import { HttpError } from '../errors.ts';

/**
 * Checks a request's declared `Content-Length` against the body limit before any byte of the
 * body is read (RFC 9110 §8.6, §15.5.14 "413 Content Too Large"). Node's parser has already
 * rejected malformed or conflicting `Content-Length` values, so `contentLength` is either
 * absent (chunked or no body) or a decimal string.
 *
 * @param contentLength the `content-length` header as `req.headers` holds it.
 * @param maxBody the limit in bytes.
 * @returns an `ERR_HTTP_BODY_TOO_LARGE` (413) error when the declared length exceeds the
 *   limit, else `undefined`.
 */
export function checkDeclaredLength(
  contentLength: string | undefined,
  maxBody: number,
): HttpError | undefined {
  if (contentLength === undefined) return undefined;
  const declared = Number(contentLength);
  if (!Number.isFinite(declared) || declared <= maxBody) return undefined;
  return tooLarge(maxBody, `declared Content-Length ${contentLength}`);
}

function tooLarge(maxBody: number, what: string): HttpError {
  return new HttpError(
    'ERR_HTTP_BODY_TOO_LARGE',
    413,
    `request body exceeds ${maxBody} bytes (${what})`,
  );
}

/**
 * The book's way of reading a body (§7.3.2: collect `data` chunks, then `Buffer.concat`),
 * with the limit the book left out: {@link BodyCollector.push} reports the error as soon as
 * the running total crosses `maxBody`, so a chunked body of unknown length is refused
 * without buffering the rest. Chunks are kept as given (no copy) until {@link concat}.
 */
export class BodyCollector {
  readonly maxBody: number;
  #chunks: Buffer[] = [];
  #length = 0;
  #error: HttpError | undefined;

  /** @param maxBody the limit in bytes (0 allows only empty bodies). */
  constructor(maxBody: number) {
    this.maxBody = maxBody;
  }

  /** Bytes accepted so far. */
  get length(): number {
    return this.#length;
  }

  /**
   * Adds one chunk. Returns `ERR_HTTP_BODY_TOO_LARGE` (413) once the total exceeds the limit;
   * the offending chunk is not kept, and every later push returns the same error.
   */
  push(chunk: Buffer): HttpError | undefined {
    if (this.#error !== undefined) return this.#error;
    if (this.#length + chunk.length > this.maxBody) {
      this.#error = tooLarge(this.maxBody, `received more than ${this.maxBody} bytes`);
      this.#chunks = [];
      return this.#error;
    }
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    return undefined;
  }

  /** The whole body: one copy (`Buffer.concat` with the known total length). */
  concat(): Buffer {
    return Buffer.concat(this.#chunks, this.#length);
  }
}
