/**
 * The `load` command: drives the leaking server's `/leak` and `/fixed` alternately, every
 * request with a new key (`<run id>-<n>`), and reads its JSON `/metrics` every `pollInterval` ms, so a chart
 * can show the leak's cache climbing while the LRU's stays flat. Bounded in time, in request
 * count and in requests in flight; each request has a timeout.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadError } from './errors.ts';
import type { MetricsReport } from './metrics.ts';

/** Samples kept; past it every other one is dropped (the chart keeps its shape). */
const MAX_SAMPLES = 2_000;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** The server, e.g. `http://127.0.0.1:8090`. */
  url: string;
  duration: number;
  concurrency: number;
  maxRequests: number;
  pollInterval: number;
  /** Per-request timeout, ms. */
  clientTimeout: number;
  /** Aborting stops the load early; the report covers what ran. */
  signal?: AbortSignal | undefined;
  onSample?: ((sample: LoadSample) => void) | undefined;
}

/** One `/metrics` reading. */
export interface LoadSample {
  /** ms since the load began. */
  t: number;
  /** Requests completed so far (both routes). */
  requests: number;
  errors: number;
  metrics: MetricsReport;
}

/** The `load` command's report (`--json`). */
export interface LoadReport {
  demo: 'load';
  url: string;
  durationMs: number;
  requests: { leak: number; fixed: number };
  /** Responses by status code, and `error` for requests that failed or timed out. */
  statuses: Record<string, number>;
  samples: LoadSample[];
}

/** GET `path` on the server; resolves with status and body. Rejects on a network error. */
function get(
  base: string,
  path: string,
  opts: { agent?: Agent; timeoutMs: number },
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      { agent: opts.agent, timeout: opts.timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(
        new LoadError('ERR_LOAD_TIMEOUT', `${path}: no response in ${opts.timeoutMs} ms`),
      ),
    );
    req.on('error', reject);
    req.end();
  });
}

/** Reads the server's JSON metrics (also the first contact: a refused connection rejects). */
export async function fetchMetrics(url: string, timeoutMs: number): Promise<MetricsReport> {
  const { status, body } = await get(url, '/metrics?format=json', { timeoutMs });
  if (status !== 200) throw new LoadError('ERR_METRICS_STATUS', `GET /metrics answered ${status}`);
  return JSON.parse(body.toString('utf8')) as MetricsReport;
}

/**
 * Runs the load: `concurrency` request loops until `duration` ms, `maxRequests` or the
 * signal, and a `/metrics` poller every `pollInterval` ms.
 *
 * @throws the first `/metrics` request's error (`ECONNREFUSED` …: no server there) or
 *   {@link LoadError} `ERR_METRICS_STATUS`; later request failures are counted, not thrown.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const samples: LoadSample[] = [];
  let stride = 1;
  let polls = 0;
  const record = (sample: LoadSample): void => {
    polls += 1;
    if (polls % stride === 0) samples.push(sample);
    if (samples.length >= MAX_SAMPLES) {
      const kept = samples.filter((_, i) => i % 2 === 0);
      samples.splice(0, samples.length, ...kept);
      stride *= 2;
    }
    opts.onSample?.(sample);
  };
  const statuses: Record<string, number> = {};
  const requests = { leak: 0, fixed: 0 };
  let errors = 0;
  const first = await fetchMetrics(opts.url, opts.clientTimeout);
  record({ t: 0, requests: 0, errors: 0, metrics: first });

  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = setTimeout(() => stop.abort(), opts.duration);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  let issued = 0;
  // Keys unique to this run too: a second run must not hit what the first one cached.
  const run = randomUUID().slice(0, 8);
  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && issued < opts.maxRequests) {
      const n = issued++;
      const route = n % 2 === 0 ? 'leak' : 'fixed';
      try {
        const { status } = await get(opts.url, `/${route}?key=${run}-${n}`, {
          agent,
          timeoutMs: opts.clientTimeout,
        });
        statuses[status] = (statuses[status] ?? 0) + 1;
        requests[route] += 1;
      } catch {
        errors += 1;
        statuses.error = (statuses.error ?? 0) + 1;
      }
    }
  };
  const poller = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      await sleep(opts.pollInterval, undefined, { signal: stop.signal }).catch(() => undefined);
      const metrics = await fetchMetrics(opts.url, opts.clientTimeout).catch(() => undefined);
      if (metrics !== undefined) {
        record({ t: elapsed(), requests: requests.leak + requests.fixed, errors, metrics });
      }
    }
  };
  try {
    const polling = poller();
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    stop.abort(); // the request budget may end the run before the deadline
    await polling;
    const last = await fetchMetrics(opts.url, opts.clientTimeout).catch(() => undefined);
    if (last !== undefined)
      record({ t: elapsed(), requests: requests.leak + requests.fixed, errors, metrics: last });
  } finally {
    clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onAbort);
    agent.destroy();
  }
  return { demo: 'load', url: opts.url, durationMs: elapsed(), requests, statuses, samples };
}
