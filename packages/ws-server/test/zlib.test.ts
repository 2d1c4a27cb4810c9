/**
 * The zlib layer of permessage-deflate on its own: the process-wide FIFO runs at most
 * `concurrency` operations, in order; a decompressor stops at the first output chunk its sink
 * refuses (the bomb cut, measured in bytes inflated); a compressor drops the trailer at the end
 * of a message and nowhere else; streams of no-context-takeover directions go back to the pool.
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CloseCode, DEFLATE_TRAILER } from '../src/constants.ts';
import { WsProtocolError } from '../src/errors.ts';
import { Compressor, pooledCompressors } from '../src/deflate/compressor.ts';
import { Decompressor } from '../src/deflate/decompressor.ts';
import {
  ZlibQueue,
  zlibWindowBits,
  type DirectionSettings,
  type ZlibJob,
} from '../src/deflate/zlib-queue.ts';

const SETTINGS: DirectionSettings = {
  windowBits: 15,
  level: 6,
  memLevel: 8,
  noContextTakeover: true,
};

describe('ZlibQueue', () => {
  it('runs at most `concurrency` jobs, the rest first in, first out', () => {
    const queue = new ZlibQueue(3);
    const started: number[] = [];
    let maxRunning = 0;
    const jobs: ZlibJob[] = Array.from({ length: 10 }, (_, i) => ({
      nextJob: undefined,
      run: () => {
        started.push(i);
        maxRunning = Math.max(maxRunning, queue.running);
      },
    }));
    for (const job of jobs) queue.enqueue(job);
    expect([started, queue.running, queue.waiting]).toEqual([[0, 1, 2], 3, 7]);
    for (let i = 0; i < 10; i += 1) queue.done();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([maxRunning, queue.running, queue.waiting]).toEqual([3, 0, 0]);
  });
});

describe('zlibWindowBits', () => {
  it('gives zlib 9 for an agreed 8 and keeps 9–15 (RFC 7692 §7.1.2; zlib refuses 8 for raw deflate)', () => {
    expect([8, 9, 10, 15].map(zlibWindowBits)).toEqual([9, 9, 10, 15]);
  });
  it('compresses with window 9 into a stream a 256-byte window inflates', () => {
    // Matches at distances up to 300 would be found with a 512-byte window; zlib never uses
    // one farther than 2^9 − 262 = 250, so an 8-bit inflater (the peer's) reads it.
    const data = Buffer.from(
      Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 300 < 150 ? 'a' : String(i % 10))).join(
        '',
      ),
    );
    const compressed = deflateRawSync(data, { windowBits: 9 });
    expect(inflateRawSync(compressed, { windowBits: 8 }).equals(data)).toBe(true);
  });
});

/** Runs one decompression; resolves with what the sink saw. */
function decompress(
  payload: Buffer,
  limit: number,
): Promise<{ inflated: number; chunks: number; error?: string }> {
  return new Promise((resolve) => {
    let inflated = 0;
    let chunks = 0;
    const decompressor = new Decompressor(SETTINGS, {
      onInflated(chunk) {
        inflated += chunk.length;
        chunks += 1;
        if (inflated > limit)
          throw new WsProtocolError('ERR_WS_PAYLOAD_TOO_BIG', CloseCode.MessageTooBig, 'too big');
      },
      onDecompressed: () => resolve({ inflated, chunks }),
      onDecompressFailed: (err) => resolve({ inflated, chunks, error: err.code }),
    });
    decompressor.decompress(payload, true);
  });
}

describe('Decompressor', () => {
  it('inflates a message in 16 KiB chunks', async () => {
    const data = Buffer.alloc(100_000, 'x');
    expect(await decompress(deflateRawSync(data), 1e9)).toEqual({ inflated: 100_000, chunks: 7 });
  });

  it('stops at the first chunk past the limit: a 256 MiB bomb inflates 1 MiB + one chunk', async () => {
    const bomb = deflateRawSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
    const result = await decompress(bomb, 1024 * 1024);
    expect(result.error).toBe('ERR_WS_PAYLOAD_TOO_BIG');
    expect(result.inflated).toBeGreaterThan(1024 * 1024);
    expect(result.inflated).toBeLessThanOrEqual(1024 * 1024 + 16 * 1024);
  });

  it('fails a stream that does not inflate with ERR_WS_INVALID_COMPRESSED', async () => {
    expect((await decompress(Buffer.from('ffffffff', 'hex'), 1e9)).error).toBe(
      'ERR_WS_INVALID_COMPRESSED',
    );
  });
});

describe('Compressor', () => {
  it('ends a fragment with the sync-flush trailer and drops it only at the end of the message', async () => {
    const outputs: Buffer[] = [];
    const compressor = new Compressor(SETTINGS, {
      onCompressed: (payload) => outputs.push(Buffer.from(payload)),
      onCompressFailed: (err) => {
        throw err;
      },
    });
    const next = (): Promise<void> => new Promise((r) => setImmediate(r));
    compressor.compress('Hello, ', false);
    while (outputs.length < 1) await next();
    compressor.compress('world', true);
    while (outputs.length < 2) await next();
    expect(outputs[0]!.subarray(-4).equals(DEFLATE_TRAILER)).toBe(true);
    expect(outputs[1]!.subarray(-4).equals(DEFLATE_TRAILER)).toBe(false);
    const message = Buffer.concat([...outputs, DEFLATE_TRAILER]);
    // No final block (RFC 7692 never ends the stream): inflate with a sync flush, not Z_FINISH.
    expect(inflateRawSync(message, { finishFlush: constants.Z_SYNC_FLUSH }).toString()).toBe(
      'Hello, world',
    );
    // No context takeover: its stream went back to the pool at the end of the message.
    expect(pooledCompressors()).toBeGreaterThan(0);
  });
});
