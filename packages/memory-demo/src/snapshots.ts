/**
 * Heap snapshots on demand (§5.5.2 node-heapdump, today `v8.writeHeapSnapshot`), written to a
 * folder that keeps at most N of them: each can be hundreds of MiB. Load one in Chrome
 * DevTools (Memory → Load) or feed it to the `leak` demo's parser.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { SNAPSHOT_SUFFIX } from './constants.ts';

/** File name prefix: only files this class wrote are ever listed or removed. */
const PREFIX = 'memory-demo-';

/** One snapshot written. */
export interface SnapshotWritten {
  path: string;
  bytes: number;
  /** How long the process was blocked writing it, ms. */
  durationMs: number;
  /** Older snapshots removed to stay within the count. */
  removed: string[];
}

/**
 * A folder of at most `max` heap snapshots. `v8.writeHeapSnapshot` is synchronous: it stops
 * the process for as long as it takes (seconds for a large heap) and needs about as much memory
 * again as the heap, so it is a debugging tool, not something to run on every request.
 */
export class SnapshotFolder {
  readonly dir: string;
  readonly max: number;
  #seq = 0;
  #last: Promise<unknown> = Promise.resolve();

  constructor(dir: string, max: number) {
    this.dir = dir;
    this.max = max;
  }

  /** Writes one snapshot now (one at a time), then removes the oldest beyond `max`. */
  write(): Promise<SnapshotWritten> {
    const next = this.#last.then(() => this.#write());
    this.#last = next.catch(() => undefined);
    return next;
  }

  /** The snapshots in the folder, oldest first (by name: names start with a timestamp). */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.startsWith(PREFIX) && n.endsWith(SNAPSHOT_SUFFIX))
      .sort()
      .map((n) => join(this.dir, n));
  }

  async #write(): Promise<SnapshotWritten> {
    await mkdir(this.dir, { recursive: true });
    this.#seq += 1;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `${PREFIX}${stamp}-${process.pid}-${String(this.#seq).padStart(4, '0')}${SNAPSHOT_SUFFIX}`;
    const started = performance.now();
    const path = writeHeapSnapshot(join(this.dir, name));
    const durationMs = performance.now() - started;
    const { size } = await stat(path);
    const all = await this.list();
    const removed = all.slice(0, Math.max(0, all.length - this.max));
    await Promise.all(removed.map((p) => rm(p, { force: true })));
    return { path, bytes: size, durationMs, removed };
  }
}
