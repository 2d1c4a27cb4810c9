import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMain, Teardown, withTimeout } from 'common/harness';
import { ECHO_GREETING } from '../src/constants.ts';
import { lengthPrefixHeader } from '../src/protocol/length-prefixed.ts';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');
const TOTAL = 256 * 1024 * 1024;
const CHUNK = 64 * 1024;
/** Allowed growth of the server's resident set while the client does not read. */
const STALLED_RSS_BOUND = 32 * 1024 * 1024;
/** Allowed growth over the whole 256 MiB (includes garbage not yet collected while echoing). */
const RSS_BOUND = 64 * 1024 * 1024;
/** The client's write queue unchanged this long = the server stopped reading from it. */
const STALL_MS = 1_000;

const teardown = new Teardown();
afterEach(() => teardown.run());

/** Resident set size of `pid`, in bytes (`VmRSS` in /proc/<pid>/status). */
function rss(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib) * 1024;
}

type Framing = 'echo' | 'line' | 'length' | 'fixed';

/** Four distinct 64 KiB writes in `framing` (one message each), so reordering or loss changes the hash. */
function writes(framing: Framing): Buffer[] {
  return [1, 2, 3, 4].map((seed) => {
    const size = framing === 'length' ? CHUNK - 4 : framing === 'line' ? CHUNK - 1 : CHUNK;
    const payload = Buffer.alloc(size);
    // Letters only in line mode (no \n inside a line); any byte elsewhere.
    for (let i = 0; i < size; i += 1)
      payload[i] = framing === 'line' ? 0x61 + ((i * seed) % 26) : (i * seed + seed) & 0xff;
    if (framing === 'length') return Buffer.concat([lengthPrefixHeader(size), payload]);
    if (framing === 'line') return Buffer.concat([payload, Buffer.from('\n')]);
    return payload;
  });
}

/** Server flags per framing: `line` allows a 64 KiB line, `fixed` uses 64 KiB records. */
const FLAGS: Record<Framing, string[]> = {
  echo: [],
  line: ['--max-message', String(CHUNK - 1)],
  length: [],
  fixed: ['--frame-size', String(CHUNK)],
};

describe('backpressure', () => {
  it.each(['echo', 'line', 'length', 'fixed'] as const)(
    '%s: a client writing 256 MiB without reading does not grow the server, and gets every byte back once it reads',
    async (framing) => {
      const proc = await startMain(MAIN, ['--framing', framing, ...FLAGS[framing]]);
      teardown.add(proc, () => proc.stop('SIGKILL'));
      const pid = proc.child.pid!;
      const baseline = rss(pid);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 20);
      teardown.add(sampler, () => clearInterval(sampler));

      const socket = connect(proc.port, '127.0.0.1');
      teardown.add(socket, () => socket.destroy());
      await once(socket, 'connect');
      socket.pause(); // the client does not read

      // Queue all 256 MiB at once, ignoring write()'s return value: the client's memory holds
      // only 4 buffers and the write requests; the server sees a peer that sends all it can.
      const chunks = writes(framing);
      const sentHash = createHash('sha1');
      for (let i = 0, queued = 0; queued < TOTAL; i += 1) {
        const chunk = chunks[i % chunks.length]!;
        sentHash.update(chunk);
        socket.write(chunk);
        queued += chunk.length;
      }
      socket.end();
      const finished = once(socket, 'finish');

      // Phase 1: wait until the kernel stops taking our bytes (the server stopped reading).
      let last = socket.writableLength;
      let lastChange = Date.now();
      await withTimeout(
        new Promise<void>((resolve) => {
          const poll = setInterval(() => {
            if (socket.writableLength !== last) {
              last = socket.writableLength;
              lastChange = Date.now();
            } else if (Date.now() - lastChange > STALL_MS) {
              clearInterval(poll);
              resolve();
            }
          }, 50);
        }),
        30_000,
        'the writer to stall',
      );
      const sentAtStall = TOTAL - socket.writableLength;
      const peakAtStall = peak;
      expect(sentAtStall).toBeLessThan(TOTAL / 4); // the server did not swallow the stream

      // Phase 2: read; every byte comes back, in order.
      const receivedHash = createHash('sha1');
      const skip = framing === 'echo' ? Buffer.byteLength(ECHO_GREETING) : 0;
      let received = 0;
      const done = new Promise<void>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => {
          const from = Math.max(0, skip - received);
          received += chunk.length;
          if (from < chunk.length) receivedHash.update(chunk.subarray(from));
          if (received >= TOTAL + skip) resolve();
        });
        socket.on('error', reject);
      });
      socket.resume();
      await withTimeout(
        Promise.all([done, finished]),
        60_000,
        `256 MiB back (received ${received})`,
      );
      clearInterval(sampler);

      expect(received).toBe(TOTAL + skip);
      expect(receivedHash.digest('hex')).toBe(sentHash.digest('hex'));
      expect(peakAtStall - baseline).toBeLessThan(STALLED_RSS_BOUND);
      expect(peak - baseline).toBeLessThan(RSS_BOUND);
      const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
      console.log(
        `${framing}: ${mib(sentAtStall)} MiB taken before the stall; server RSS ${mib(baseline)} MiB, peak while stalled ${mib(peakAtStall)}, peak overall ${mib(peak)}`,
      );
    },
    90_000,
  );
});
