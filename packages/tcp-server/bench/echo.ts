/**
 * Loopback echo cases of the tcp-server bench: the `echo` and `length` servers (`main.ts`,
 * exactly as `pnpm start` runs them) against the bare `socket.pipe(socket)` server, each a
 * child pinned to CPU 0; this process is the load on CPU 1.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  pinnedCommand,
  processCpuMs,
  processMinorFaults,
  type Bench,
  type Metrics,
} from 'common/bench';
import { startMain, type ListeningMain } from 'common/harness';
import { lengthPrefixHeader } from '../src/index.ts';

const KiB = 1024;
const MiB = 1024 * 1024;
const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');
const PIPE_SERVER = join(import.meta.dirname, 'pipe-server.ts');
/** Bytes sent (and echoed) per run. */
const TOTAL = Number(process.env.BENCH_ECHO_MIB ?? 1024) * MiB;
/**
 * glibc's heap trim threshold for every server child, netlab's and the bare one alike: 256 MiB.
 * Node reads a socket into a fresh 64 KiB malloc'd buffer per read; V8 frees them in batches
 * after each scavenge, and with glibc's default threshold (128 KiB until the process happens to
 * free a large mmapped block, which raises it) the freed top of the heap goes back to the
 * kernel, so the next reads fault every page in again: ~110,000 page faults and about twice
 * the CPU per 512 MiB echoed, for a bare pipe server as much as for netlab's, depending on the
 * process's history. The same threshold for all makes the ratios compare code, not luck.
 */
const SERVER_ENV = { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=268435456' };

function startServer(main: string, args: string[]): Promise<ListeningMain> {
  return startMain(main, args, { prefix: pinnedCommand(0), env: SERVER_ENV, timeoutMs: 20_000 });
}

/**
 * One connection sends {@link TOTAL} bytes as `write` (repeated, honouring `drain`) while
 * reading the echo, after skipping `skip` greeting bytes. MiB/s of echoed bytes, and MiB per
 * second of the server's CPU time (user + system, /proc).
 */
async function echoRun(server: ListeningMain, write: Buffer, skip: number): Promise<Metrics> {
  const socket = connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  let received = 0;
  const done = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= TOTAL + skip) resolve();
    });
  });
  const pid = server.child.pid!;
  const cpuBefore = processCpuMs(pid);
  const faultsBefore = processMinorFaults(pid);
  const start = performance.now();
  for (let sent = 0; sent < TOTAL; sent += write.length)
    if (!socket.write(write)) await once(socket, 'drain');
  await done;
  const seconds = (performance.now() - start) / 1e3;
  const cpuSeconds = (processCpuMs(pid) - cpuBefore) / 1e3;
  const faults = processMinorFaults(pid) - faultsBefore;
  socket.destroy();
  const mib = TOTAL / MiB;
  return {
    'MiB/s': mib / seconds,
    'MiB/server-CPU-s': mib / cpuSeconds,
    'server page faults/MiB': faults / mib,
  };
}

/** Bytes of the `echo` server's greeting (sent before any echo). */
async function greetingLength(port: number): Promise<number> {
  const socket = connect(port, '127.0.0.1');
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return chunk.length;
}

export async function echoBenchmarks(bench: Bench): Promise<void> {
  const [length, echo, pipe] = await Promise.all([
    startServer(MAIN, ['--framing', 'length', '--log-level', 'info']),
    startServer(MAIN, ['--framing', 'echo', '--log-level', 'info']),
    startServer(PIPE_SERVER, []),
  ]);
  try {
    const payload = Buffer.alloc(64 * KiB - 4, 0x62);
    const frame = Buffer.concat([lengthPrefixHeader(payload.length), payload]);
    const greeting = await greetingLength(echo.port);
    await bench.compare({
      name: 'echo mode vs bare pipe, 64 KiB writes',
      primary: 'MiB/s',
      ratioMetrics: ['MiB/server-CPU-s'],
      contenders: {
        'echo server': () => echoRun(echo, frame, greeting),
        'bare pipe': () => echoRun(pipe, frame, 0),
      },
    });
    await bench.compare({
      name: 'length mode vs bare pipe, 64 KiB frames',
      primary: 'MiB/s',
      ratioMetrics: ['MiB/server-CPU-s'],
      contenders: {
        'length server': () => echoRun(length, frame, 0),
        'bare pipe': () => echoRun(pipe, frame, 0),
      },
    });
    bench.note(
      `echo: one connection sends ${TOTAL / MiB} MiB in 64 KiB writes (honouring drain) while reading the echo. ` +
        `'echo server' and 'length server' are \`main.ts --framing echo|length\` (serve(), logging at info, idle timeout, greeting); ` +
        `'bare pipe' is bench/pipe-server.ts, \`net.createServer((s) => s.pipe(s))\` and nothing else, started the same way. ` +
        `Servers pinned to CPU 0, load on CPU 1; MiB/server-CPU-s is echoed MiB per second of the server's CPU time (/proc, 10 ms ticks). ` +
        `Every server runs with ${SERVER_ENV.GLIBC_TUNABLES} (see bench/echo.ts): with glibc's default, a server refaults the heap top it trimmed on almost every 64 KiB read ` +
        `or not at all, depending on its history, which alone moves its CPU per byte by up to 2x; page faults/MiB shows it.`,
    );
  } finally {
    await Promise.all([length.stop('SIGTERM'), echo.stop('SIGTERM'), pipe.stop('SIGTERM')]);
  }
}
