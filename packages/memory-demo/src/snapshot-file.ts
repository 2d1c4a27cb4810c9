/**
 * Reading `.heapsnapshot` files: the I/O edge of the pure parser, with the size limit checked
 * before the first byte is read and again while reading (a file may grow).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { HeapSnapshotError } from './errors.ts';
import type { HeapSnapshot } from './protocol/heap-graph.ts';
import { HeapSnapshotParser } from './protocol/heap-snapshot.ts';

/** Read size of the snapshot stream: large reads, few `push` calls. */
const READ_CHUNK = 1024 * 1024;

/**
 * Parses the snapshot at `path`. Memory: the node and edge arrays (typed, about as large as
 * their text) and the strings; never the whole file as one string.
 *
 * @throws {HeapSnapshotError} `ERR_SNAPSHOT_TOO_LARGE` (over `maxBytes`), `ERR_SNAPSHOT_FORMAT`,
 *   `ERR_SNAPSHOT_TRUNCATED`; the file's own errors (`ENOENT` …) as they are.
 */
export async function readHeapSnapshot(
  path: string,
  opts: { maxBytes: number; signal?: AbortSignal | undefined },
): Promise<HeapSnapshot> {
  const { size } = await stat(path);
  if (size > opts.maxBytes) {
    throw new HeapSnapshotError(
      'ERR_SNAPSHOT_TOO_LARGE',
      `${path} is ${size} bytes, over the ${opts.maxBytes}-byte limit`,
    );
  }
  const parser = new HeapSnapshotParser({ maxBytes: opts.maxBytes });
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK, signal: opts.signal });
  for await (const chunk of stream) parser.push(chunk as Buffer);
  return parser.end();
}
