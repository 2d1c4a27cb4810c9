/**
 * The bytes a decoder has received but not yet turned into messages: a list of chunks plus a
 * byte count (the `ws` receiver's approach). Used by every netlab decoder (tcp-server's
 * framings, ws-server's frame decoder). Pure: no I/O. Consuming `n` bytes returns a view (`subarray`)
 * when they lie inside one chunk and makes exactly one copy when they span chunks, so
 * decoding stays linear in the bytes received. The seeds instead did
 * `rest = Buffer.concat([rest, chunk])` on every chunk, which copies the whole backlog each
 * time (quadratic for a large frame arriving in small chunks).
 */
const EMPTY = Buffer.alloc(0);

/** Compact the chunk list once this many consumed slots sit at its front. */
const COMPACT_AFTER = 1024;

/**
 * A chunk smaller than this (bytes) pushed behind bytes already queued is copied into a block
 * of the queue's own instead of being kept by reference. A peer that sends a large message one
 * byte per read would otherwise cost a Buffer object (~100 bytes of heap, ~160 of RSS) per byte
 * held: 1 MiB held that way measured +155 MiB RSS.
 */
export const COALESCE_BELOW = 1024;

/** Size of the blocks small chunks are copied into (bytes; never from the shared Buffer pool). */
export const COALESCE_BLOCK = 16 * 1024;

export class ChunkQueue {
  #chunks: Buffer[] = [];
  /** Index of the first chunk with unconsumed bytes. */
  #head = 0;
  /** Bytes of `#chunks[#head]` already consumed. */
  #offset = 0;
  #length = 0;
  /** The block small chunks are copied into; its used part is the last entry of `#chunks`. */
  #block: Buffer | undefined;
  /** How much of `#block` is used. */
  #blockUsed = 0;
  /** The memory of every block made (made on first use): bytes from a block are copied out. */
  #blockMemory: WeakSet<ArrayBufferLike> | undefined;

  /** Unconsumed bytes, in total. */
  get length(): number {
    return this.#length;
  }

  /** How many buffers hold the unconsumed bytes: the queue's per-read overhead, for tests. */
  get bufferCount(): number {
    return this.#chunks.length - this.#head;
  }

  /**
   * Appends `chunk`, kept by reference (not copied) — except a chunk under
   * {@link COALESCE_BELOW} bytes arriving behind bytes already queued, which is copied into a
   * block of the queue's own, so that many tiny reads cannot cost an object each.
   */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#length += chunk.length;
    if (chunk.length >= COALESCE_BELOW || this.#length === chunk.length) {
      this.#block = undefined;
      this.#chunks.push(chunk);
      return;
    }
    let block = this.#block;
    if (block === undefined || block.length - this.#blockUsed < chunk.length) {
      block = Buffer.allocUnsafeSlow(COALESCE_BLOCK);
      (this.#blockMemory ??= new WeakSet()).add(block.buffer);
      this.#block = block;
      this.#blockUsed = 0;
      this.#chunks.push(EMPTY); // the view below replaces it
    }
    chunk.copy(block, this.#blockUsed);
    this.#blockUsed += chunk.length;
    // Bytes below #blockUsed are never written again: views handed out by consume() stay valid.
    this.#chunks[this.#chunks.length - 1] = block.subarray(0, this.#blockUsed);
  }

  /**
   * Removes and returns the first `n` bytes (`n <= length`). The result is a view that
   * aliases the pushed chunk when the bytes lie inside one chunk, else a fresh copy (also for
   * bytes that were coalesced into a block of the queue's own).
   */
  consume(n: number): Buffer {
    if (n === 0) return EMPTY;
    if (n > this.#length)
      throw new RangeError(`consume(${n}) with only ${this.#length} bytes queued`);
    const first = this.#chunks[this.#head]!;
    if (n <= first.length - this.#offset) {
      let view = first.subarray(this.#offset, this.#offset + n);
      // A view of a block would keep all 16 KiB of it alive for as long as the caller keeps
      // the bytes: hand out a copy (the slow path already: these bytes came in tiny reads).
      if (this.#blockMemory?.has(first.buffer) === true) view = Buffer.from(view);
      this.#advance(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.#chunks[this.#head]!;
      const take = Math.min(chunk.length - this.#offset, n - written);
      chunk.copy(out, written, this.#offset, this.#offset + take);
      written += take;
      this.#advance(take);
    }
    return out;
  }

  /** Removes and returns the first byte (`length >= 1`). */
  readUInt8(): number {
    const chunk = this.#chunks[this.#head]!;
    const byte = chunk[this.#offset]!;
    this.#advance(1);
    return byte;
  }

  /** Drops the first `n` bytes (`n <= length`) without returning them. */
  skip(n: number): void {
    let left = n;
    while (left > 0) {
      const chunk = this.#chunks[this.#head]!;
      const take = Math.min(chunk.length - this.#offset, left);
      this.#advance(take);
      left -= take;
    }
  }

  /** The 4-byte unsigned big-endian integer at the front (`length >= 4`), not consumed. */
  peekUInt32BE(): number {
    const first = this.#chunks[this.#head]!;
    if (first.length - this.#offset >= 4) return first.readUInt32BE(this.#offset);
    let value = 0;
    let index = this.#head;
    let offset = this.#offset;
    for (let i = 0; i < 4; i += 1) {
      let chunk = this.#chunks[index]!;
      if (offset === chunk.length) {
        index += 1;
        offset = 0;
        chunk = this.#chunks[index]!;
      }
      value = value * 256 + chunk[offset]!;
      offset += 1;
    }
    return value;
  }

  /** The last queued byte, or -1 when empty. */
  lastByte(): number {
    if (this.#length === 0) return -1;
    const last = this.#chunks[this.#chunks.length - 1]!;
    return last[last.length - 1]!;
  }

  /** Drops everything (after an error: nothing is kept past it). */
  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#length = 0;
    this.#block = undefined;
  }

  #advance(n: number): void {
    this.#offset += n;
    this.#length -= n;
    if (this.#offset < this.#chunks[this.#head]!.length) return;
    this.#chunks[this.#head] = EMPTY; // release the chunk for the GC
    this.#head += 1;
    this.#offset = 0;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
      // Nothing queued: an idle connection keeps no block (a view handed out may still hold it).
      this.#block = undefined;
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}
