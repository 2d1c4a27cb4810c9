/**
 * The three load generators of bench/main.ts, each returning the same metrics for one run
 * against one server: `req/s`, and `server µs/req` (the server process's CPU time per request,
 * from /proc: the steadier figure on a shared machine, where req/s also measures how much CPU
 * the load generator got).
 * - autocannon 9, programmatic (in this process, pinned to CPU 1 by main.ts);
 * - wrk (Debian's `wrk`, C, `-t1`): far cheaper per request than autocannon, so the server is
 *   the bottleneck by a wider margin;
 * - ab (Debian's apache2-utils) without `-k`: HTTP/1.0, one TCP connection per request.
 * wrk and ab run pinned to CPU 1 (common/bench's `pinnedCommand`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { pinnedCommand, processCpuMs, type Metrics } from 'common/bench';
import type { ListeningMain } from 'common/harness';

const run = promisify(execFile);

/** One load: the URL, the run's length in seconds, and the server to charge the CPU to. */
export interface LoadSpec {
  server: ListeningMain;
  path: string;
  durationS: number;
}

/** What a load generator reports: requests completed, failures, and its own figures. */
interface Outcome {
  requests: number;
  failures: number;
  seconds: number;
  extra?: Metrics;
}

async function measure(
  spec: LoadSpec,
  generate: (url: string) => Promise<Outcome>,
): Promise<Metrics> {
  const url = `http://127.0.0.1:${spec.server.port}${spec.path}`;
  const pid = spec.server.child.pid!;
  const cpuBefore = processCpuMs(pid);
  const outcome = await generate(url);
  const cpuMs = processCpuMs(pid) - cpuBefore;
  if (outcome.failures > 0) {
    process.stderr.write(`warning: ${url}: ${outcome.failures} failed or non-2xx responses\n`);
  }
  return {
    'req/s': outcome.requests / outcome.seconds,
    'server µs/req': (cpuMs * 1000) / Math.max(1, outcome.requests),
    ...outcome.extra,
  };
}

/** autocannon with `connections` keep-alive connections (and optional request headers). */
export function autocannonLoad(
  spec: LoadSpec,
  connections: number,
  headers: Record<string, string> = {},
): Promise<Metrics> {
  return measure(spec, async (url) => {
    const result = await autocannon({ url, connections, duration: spec.durationS, headers });
    return {
      requests: result.requests.total,
      failures: result.errors + result.non2xx,
      seconds: result.duration,
      extra: { 'MiB/s': result.throughput.average / 1024 ** 2, 'p99 ms': result.latency.p99 },
    };
  });
}

/** `wrk -t1 -c<connections> -d<duration>s`: keep-alive, one load thread. */
export function wrkLoad(spec: LoadSpec, connections: number): Promise<Metrics> {
  return measure(spec, async (url) => {
    const [cmd = 'wrk', ...args] = [...pinnedCommand(1), 'wrk'];
    args.push('-t1', `-c${connections}`, `-d${spec.durationS}s`, url);
    const { stdout } = await run(cmd, args);
    // "  123456 requests in 2.00s, 13.07MB read" / "  Non-2xx or 3xx responses: 5"
    const done = /(\d+) requests in ([\d.]+)(m?s)/.exec(stdout);
    if (done === null) throw new Error(`unexpected wrk output:\n${stdout}`);
    const seconds = Number(done[2]) / (done[3] === 'ms' ? 1000 : 1);
    const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
      stdout,
    );
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
    const socketErrors = errors === null ? 0 : errors.slice(1).reduce((a, b) => a + Number(b), 0);
    return { requests: Number(done[1]), failures: non2xx + socketErrors, seconds };
  });
}

/**
 * `ab -c<concurrency> -t<duration>`: HTTP/1.0 without keep-alive, so every request opens,
 * uses and closes its own TCP connection (accept, parser set-up, close: what each new
 * connection costs the server).
 */
export function abLoad(spec: LoadSpec, concurrency: number): Promise<Metrics> {
  return measure(spec, async (url) => {
    const [cmd = 'ab', ...args] = [...pinnedCommand(1), 'ab'];
    // -n caps the count (ab's -t alone caps it at 50,000); -r: a failed socket is counted, not fatal.
    args.push('-q', '-r', `-c${concurrency}`, `-t${spec.durationS}`, '-n', '10000000', url);
    const { stdout } = await run(cmd, args);
    const complete = /Complete requests:\s+(\d+)/.exec(stdout);
    const taken = /Time taken for tests:\s+([\d.]+) seconds/.exec(stdout);
    if (complete === null || taken === null) throw new Error(`unexpected ab output:\n${stdout}`);
    const failed = Number(/Failed requests:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
    const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
    return { requests: Number(complete[1]), failures: failed + non2xx, seconds: Number(taken[1]) };
  });
}
