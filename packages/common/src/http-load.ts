/**
 * HTTP load for benchmarks and demos (`common/bench`): autocannon, plus the server's own CPU
 * time per request read from /proc around the run. On a shared machine requests per second
 * mostly measure how much CPU the load generator got; CPU per request is the steadier figure.
 */
import autocannon from 'autocannon';
import { processCpuMs } from './process-cpu.ts';

/** Options of {@link httpLoad}. */
export interface HttpLoadOptions {
  url: string;
  /** Concurrent connections. */
  connections: number;
  /** Length of the run, in ms. */
  durationMs: number;
  /** Extra request headers, e.g. `{ connection: 'close' }` for a connection per request. */
  headers?: Record<string, string>;
  /** The server process to measure: its CPU time so far, in ms (default: none measured). */
  serverCpuMs?: () => number;
  /** Stops the run early; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One run's figures. */
export interface HttpLoadResult {
  requests: number;
  /** Requests per second over the run. */
  reqPerSecond: number;
  /** Response bytes (head + body) per second, in MiB/s. */
  mibPerSecond: number;
  p99Ms: number;
  /** Server CPU time (user + system) per request, in µs; NaN without `serverCpuMs`. */
  serverUsPerRequest: number;
  /** Connection errors + timeouts + non-2xx responses (0 on a healthy run). */
  errors: number;
}

/** `serverCpuMs` for a child process: its CPU time from /proc (see `processCpuMs`). */
export function cpuOfPid(pid: number): () => number {
  return () => processCpuMs(pid);
}

/** Runs autocannon against `url` and, when given, reads the server's CPU time around it. */
export async function httpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const cpuBefore = options.serverCpuMs?.();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationMs / 1000,
        headers: options.headers ?? {},
      },
      (err: unknown, res: autocannon.Result) => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted === true) reject(signal.reason as Error);
        else if (err) reject(err as Error);
        else resolve(res);
      },
    );
    const onAbort = (): void => instance.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const cpuMs = cpuBefore === undefined ? Number.NaN : options.serverCpuMs!() - cpuBefore;
  const requests = result.requests.total;
  const seconds = result.duration > 0 ? result.duration : options.durationMs / 1000;
  return {
    requests,
    reqPerSecond: requests / seconds,
    mibPerSecond: result.throughput.total / seconds / 1024 ** 2,
    p99Ms: result.latency.p99,
    serverUsPerRequest: requests === 0 ? Number.NaN : (cpuMs * 1000) / requests,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}
