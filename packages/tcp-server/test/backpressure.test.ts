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
/**
 * Allowed growth over the whole 256 MiB, echoed at full speed once the client reads: mostly
 * garbage the GC has not collected yet (measured 35–45 MiB, once 64 MiB on a loaded machine);
 * still far below the 256 MiB a server without backpressure would hold.
 */
const RSS_BOUND = 96 * 1024 * 1024;
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

/** Frames of the default 16 MiB maximum: 16 of them make the 256 MiB. */
function maxFrames(): Buffer[] {
  const payload = Buffer.alloc(16 * 1024 * 1024);
  for (let i = 0; i < payload.length; i += 1) payload[i] = i & 0xff;
  return [lengthPrefixHeader(payload.length), payload];
}

/** Server flags per framing: `line` allows a 64 KiB line, `fixed` uses 64 KiB records. */
const FLAGS: Record<Framing, string[]> = {
  echo: [],
  line: ['--max-message', String(CHUNK - 1)],
  length: [],
  fixed: ['--frame-size', String(CHUNK)],
};

interface Outcome {
  sentAtStall: number;
  baseline: number;
  peakAtStall: number;
  peak: number;
}

/**
 * Starts `main.ts` with `args`, queues 256 MiB of `chunks` (repeated) on one connection without
 * reading, waits for the kernel to stop taking bytes, then reads everything back and checks it
 * byte for byte (sha1). The server's RSS is sampled from /proc all along.
 */
async function writeWithoutReading(
  args: string[],
  chunks: Buffer[],
  skip: number,
): Promise<Outcome> {
  const proc = await startMain(MAIN, args);
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
  // only the few distinct buffers and the write requests; the server sees a peer that sends
  // all it can.
  const sentHash = createHash('sha1');
  let queued = 0;
  for (let i = 0; queued < TOTAL; i += 1) {
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
  const sentAtStall = queued - socket.writableLength;
  const peakAtStall = peak;

  // Phase 2: read; every byte comes back, in order.
  const receivedHash = createHash('sha1');
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      const from = Math.max(0, skip - received);
      received += chunk.length;
      if (from < chunk.length) receivedHash.update(chunk.subarray(from));
      if (received >= queued + skip) resolve();
    });
    socket.on('error', reject);
  });
  socket.resume();
  await withTimeout(Promise.all([done, finished]), 60_000, `256 MiB back (received ${received})`);
  clearInterval(sampler);
  expect(received).toBe(queued + skip);
  expect(receivedHash.digest('hex')).toBe(sentHash.digest('hex'));

  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  console.log(
    `${args.join(' ')}: ${mib(sentAtStall)} MiB taken before the stall; server RSS ${mib(baseline)} MiB, peak while stalled ${mib(peakAtStall)}, peak overall ${mib(peak)}`,
  );
  return { sentAtStall, baseline, peakAtStall, peak };
}

describe('backpressure', () => {
  it.each(['echo', 'line', 'length', 'fixed'] as const)(
    '%s: a client writing 256 MiB without reading does not grow the server, and gets every byte back once it reads',
    async (framing) => {
      const skip = framing === 'echo' ? Buffer.byteLength(ECHO_GREETING) : 0;
      const r = await writeWithoutReading(
        ['--framing', framing, ...FLAGS[framing]],
        writes(framing),
        skip,
      );
      expect(r.sentAtStall).toBeLessThan(TOTAL / 4); // the server did not swallow the stream
      expect(r.peakAtStall - r.baseline).toBeLessThan(STALLED_RSS_BOUND);
      expect(r.peak - r.baseline).toBeLessThan(RSS_BOUND);
    },
    90_000,
  );

  it('length: 16 frames of the 16 MiB maximum, not read: the server holds a few frames, not the stream', async () => {
    // objectMode high-water marks count messages: at 16 per stage this buffered the whole
    // 256 MiB. Now each stage holds one maximum-size frame.
    const r = await writeWithoutReading(['--framing', 'length'], maxFrames(), 0);
    expect(r.sentAtStall).toBeLessThan(TOTAL / 2);
    expect(r.peakAtStall - r.baseline).toBeLessThan(8 * 16 * 1024 * 1024);
  }, 90_000);
});
