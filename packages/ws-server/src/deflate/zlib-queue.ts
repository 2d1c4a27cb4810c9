/**
 * The process's zlib resources for permessage-deflate, in one owner: a FIFO that bounds the
 * zlib operations running at once ({@link ZLIB_CONCURRENCY}), and pools of idle raw
 * deflate/inflate streams for the directions that keep no context between messages (RFC 7692
 * §7.1.1), so that 10,000 connections compressing now and then share a few zlib contexts
 * instead of holding one each (~300 KiB for a deflate context at the default settings).
 *
 * Process-wide on purpose (like `ws`'s limiter): the threads zlib runs on, and the memory
 * fragmentation it causes, belong to the process, not to one server.
 */
import type { DeflateRaw, InflateRaw } from 'node:zlib';
import { MIN_WINDOW_BITS, ZLIB_CONCURRENCY } from '../constants.ts';

/** One zlib operation: started by the queue when a slot is free; calls `zlibQueue.done()` once. */
export interface ZlibJob {
  run(): void;
  /** The next job waiting (an intrusive FIFO: queueing allocates nothing). */
  nextJob: ZlibJob | undefined;
}

/** A FIFO of zlib operations, at most `concurrency` running. */
export class ZlibQueue {
  readonly concurrency: number;
  #running = 0;
  #waiting = 0;
  #head: ZlibJob | undefined;
  #tail: ZlibJob | undefined;

  constructor(concurrency: number) {
    this.concurrency = concurrency;
  }

  /** Operations running now. */
  get running(): number {
    return this.#running;
  }

  /** Operations waiting for a slot. */
  get waiting(): number {
    return this.#waiting;
  }

  /** Runs `job` now if a slot is free, else when one frees up (first in, first out). */
  enqueue(job: ZlibJob): void {
    if (this.#running < this.concurrency) {
      this.#running += 1;
      job.run();
      return;
    }
    job.nextJob = undefined;
    if (this.#tail === undefined) this.#head = job;
    else this.#tail.nextJob = job;
    this.#tail = job;
    this.#waiting += 1;
  }

  /** A running job finished: its slot goes to the oldest waiting job. */
  done(): void {
    const next = this.#head;
    if (next === undefined) {
      this.#running -= 1;
      return;
    }
    this.#head = next.nextJob;
    if (this.#head === undefined) this.#tail = undefined;
    next.nextJob = undefined;
    this.#waiting -= 1;
    next.run();
  }
}

/** The process-wide queue every permessage-deflate connection uses. */
export const zlibQueue = new ZlibQueue(ZLIB_CONCURRENCY);

/**
 * The `windowBits` to give zlib for an agreed window of 2^`bits` bytes (RFC 7692 §7.1.2).
 *
 * zlib refuses 8 for raw deflate (since 1.2.9; Node's `createDeflateRaw` quietly turns it into
 * 9, see its docs), so 8 becomes 9, in both directions:
 * - compressing: zlib never emits a match farther back than the window minus 262 bytes
 *   (`MAX_DIST` = 2^w − `MIN_LOOKAHEAD`), so with w = 9 every distance is ≤ 250: the output
 *   honours a 256-byte window, which is all `*_max_window_bits=8` limits;
 * - inflating: a window at least as large as the compressor's always suffices (it only keeps
 *   more history), so 9 inflates anything compressed with 8.
 */
export function zlibWindowBits(bits: number): number {
  return bits === MIN_WINDOW_BITS ? MIN_WINDOW_BITS + 1 : bits;
}

/** zlib settings that make two streams interchangeable. */
export interface ZlibSettings {
  /** log2 of the agreed window, 8–15. */
  readonly windowBits: number;
  /** Compression level, 0–9 (deflate only). */
  readonly level: number;
  /** Memory for the compressor's hash chains, 1–9 (deflate only). */
  readonly memLevel: number;
}

/** What one direction of a connection compresses or inflates with. */
export interface DirectionSettings extends ZlibSettings {
  /** Start every message from an empty window (and use a pooled stream). */
  readonly noContextTakeover: boolean;
}

/** A raw deflate or inflate stream. */
export type ZlibStream = DeflateRaw | InflateRaw;

/**
 * Idle streams by kind and settings, at most {@link ZLIB_CONCURRENCY} of each kind: more could
 * never be busy at once (the queue runs no more operations), except while fragmented messages
 * hold theirs across frames, and those are closed instead of pooled when the pool is full.
 */
export class ZlibPool<S extends ZlibStream> {
  readonly #idle = new Map<string, S[]>();
  readonly #create: (settings: ZlibSettings) => S;

  /** @param create makes a stream for settings (with its listeners). */
  constructor(create: (settings: ZlibSettings) => S) {
    this.#create = create;
  }

  /** The pool key of `settings`: streams with the same key are interchangeable. */
  static key(settings: ZlibSettings): string {
    return `${zlibWindowBits(settings.windowBits)}/${settings.level}/${settings.memLevel}`;
  }

  /** Streams kept idle now (all settings). */
  get idle(): number {
    let n = 0;
    for (const list of this.#idle.values()) n += list.length;
    return n;
  }

  /**
   * The stream one direction works on: without context takeover an idle pooled stream for
   * `settings` (whose {@link ZlibPool.key} is `key`) or a new one, with context takeover a
   * stream of its own (its window is the connection's), never pooled.
   */
  take(key: string, settings: DirectionSettings): S {
    if (!settings.noContextTakeover) return this.#create(settings);
    return this.#idle.get(key)?.pop() ?? this.#create(settings);
  }

  /**
   * A direction is done with `stream` (from {@link take} with the same `key` and settings):
   * a pooled stream goes back unless `discard` (its state is unusable: failed, ended, stopped
   * mid-message); any other is closed.
   */
  give(stream: S, key: string, settings: DirectionSettings, discard: boolean): void {
    if (discard || !settings.noContextTakeover) stream.close();
    else this.#release(stream, key);
  }

  /** Takes back a pooled stream: reset and kept, or closed when enough are idle. */
  #release(stream: S, key: string): void {
    let list = this.#idle.get(key);
    if (list === undefined) {
      list = [];
      this.#idle.set(key, list);
    }
    if (list.length >= ZLIB_CONCURRENCY || stream.destroyed) {
      stream.close();
      return;
    }
    stream.reset();
    list.push(stream);
  }
}
