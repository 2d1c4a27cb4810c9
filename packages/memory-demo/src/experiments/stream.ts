/**
 * The `stream` experiment (§5.6 大内存应用): copy a file larger than the heap limit three ways,
 * sampling memory meanwhile. `readFile` with an encoding builds one V8 string as large as the
 * file and dies of the heap limit; without one it holds the whole file in a Buffer (off-heap:
 * it works, RSS grows by the file size); `pipeline` of streams copies it in 64 KiB chunks.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Channel } from '../child/protocol.ts';
import { memorySample, type MemorySample } from './heap.ts';

/** The three ways to copy, in the order they run. */
export const COPY_MODES = ['readFile-string', 'readFile-buffer', 'stream'] as const;
/** One of {@link COPY_MODES}. */
export type CopyMode = (typeof COPY_MODES)[number];

/** Parameters from the parent. */
export interface StreamParams {
  mode: CopyMode;
  source: string;
  destination: string;
  /** Memory sample period, ms. */
  sampleMs: number;
}

/** A memory sample during the copy, bytes. */
export interface StreamSample extends MemorySample {
  /** ms since the copy started. */
  t: number;
}

/** What the child reports when the copy finished. */
export interface StreamResult {
  durationMs: number;
}

async function copy(mode: CopyMode, source: string, destination: string): Promise<void> {
  switch (mode) {
    case 'readFile-string':
      await writeFile(destination, await readFile(source, 'utf8'));
      return;
    case 'readFile-buffer':
      await writeFile(destination, await readFile(source));
      return;
    case 'stream':
      await pipeline(createReadStream(source), createWriteStream(destination));
      return;
  }
}

/** Copies `source` to `destination` one way, sampling memory every `sampleMs`. */
export async function run(params: StreamParams, channel: Channel): Promise<StreamResult> {
  const t0 = performance.now();
  const sample = (): void =>
    channel.sample({ t: performance.now() - t0, ...memorySample() } satisfies StreamSample);
  sample();
  const timer = setInterval(sample, params.sampleMs);
  try {
    await copy(params.mode, params.source, params.destination);
  } finally {
    clearInterval(timer);
  }
  sample();
  return { durationMs: performance.now() - t0 };
}
