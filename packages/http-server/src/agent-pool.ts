import { Agent, type AgentOptions } from 'node:http';
import { resolveLimits } from 'common';
import { request } from './client.ts';
import { CLIENT_LIMITS } from './limits.ts';

/** One origin's row of an `http.Agent` pool (book §7.3.3 "HTTP 代理"). */
export interface PoolState {
  /** The Agent's key for the origin, e.g. `127.0.0.1:1337:`. */
  origin: string;
  /** Sockets in use by a request right now (`agent.sockets`). */
  sockets: number;
  /** Requests waiting for a socket because `maxSockets` is reached (`agent.requests`). */
  requests: number;
  /** Idle keep-alive sockets ready for reuse (`agent.freeSockets`). */
  freeSockets: number;
}

/** Snapshot of an Agent's pool, one row per origin. */
export function agentPoolState(agent: Agent): PoolState[] {
  const count = (table: NodeJS.ReadOnlyDict<unknown[]>, origin: string): number =>
    table[origin]?.length ?? 0;
  const origins = new Set([
    ...Object.keys(agent.sockets),
    ...Object.keys(agent.requests),
    ...Object.keys(agent.freeSockets),
  ]);
  return [...origins].sort().map((origin) => ({
    origin,
    sockets: count(agent.sockets, origin),
    requests: count(agent.requests, origin),
    freeSockets: count(agent.freeSockets, origin),
  }));
}

/** Options of {@link runLoad}. Defaults and bounds of the numbers: `CLIENT_LIMITS`. */
export interface LoadOptions {
  url: string | URL;
  /** Requests in flight at once (each worker sends its next request when the last one ended). */
  concurrency?: number;
  /** Total requests. */
  requests?: number;
  /**
   * `maxSockets` of the Agent (per origin). The book's Node (0.10) defaulted to 5; modern Node
   * defaults to `Infinity` (also when unset). `false` sends every request on a fresh
   * connection (`agent: false`).
   */
  maxSockets?: number | false;
  /** Called whenever the pool changes (a request queued, got a socket, or ended). */
  onPoolChange?: (state: PoolState[]) => void;
  /** Extra Agent options (default `keepAlive: true`). */
  agentOptions?: AgentOptions;
}

export interface LoadResult {
  completed: number;
  failed: number;
  /** Responses per status code. */
  statuses: Record<number, number>;
  /** Most sockets in use at once for any origin (≤ maxSockets). */
  peakSockets: number;
  /** Most requests waiting for a socket at once. */
  peakQueued: number;
  /** Distinct connections used (distinct local ports seen on `socket` events). */
  connections: number;
  durationMs: number;
}

/**
 * Fires `requests` GETs at `url`, `concurrency` at a time, through an `http.Agent` with the
 * given `maxSockets`, and records the pool as it fills: with concurrency 10 and maxSockets 5
 * there are 5 `sockets` busy and up to 5 `requests` queued (book §7.3.3). The Agent is
 * destroyed at the end (its idle keep-alive sockets closed).
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a
 *   `concurrency`, `requests` or `maxSockets` outside `CLIENT_LIMITS`.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const pooled = opts.maxSockets !== false;
  const limits = resolveLimits(CLIENT_LIMITS, {
    concurrency: opts.concurrency,
    requests: opts.requests,
    // Infinity is Node's own "no limit", as good as unset.
    maxSockets:
      opts.maxSockets === false || opts.maxSockets === Infinity ? undefined : opts.maxSockets,
  });
  const agent = pooled
    ? new Agent({
        keepAlive: true,
        ...opts.agentOptions,
        maxSockets: limits.maxSockets ?? Infinity,
      })
    : undefined;
  const result: LoadResult = {
    completed: 0,
    failed: 0,
    statuses: {},
    peakSockets: 0,
    peakQueued: 0,
    connections: 0,
    durationMs: 0,
  };
  const ports = new Set<number>();
  const sample = (): void => {
    if (agent === undefined) return;
    const state = agentPoolState(agent);
    for (const row of state) {
      result.peakSockets = Math.max(result.peakSockets, row.sockets);
      result.peakQueued = Math.max(result.peakQueued, row.requests);
    }
    opts.onPoolChange?.(state);
  };
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < limits.requests) {
      next += 1;
      const pending = request(opts.url, {
        agent: agent ?? false,
        onEvent: (event) => {
          if (event.type === 'socket' && event.localPort !== undefined) ports.add(event.localPort);
          sample();
        },
      });
      sample(); // the request is now either on a socket or in agent.requests
      try {
        const res = await pending;
        result.completed += 1;
        result.statuses[res.statusCode] = (result.statuses[res.statusCode] ?? 0) + 1;
      } catch {
        result.failed += 1;
      }
      sample();
    }
  };
  await Promise.all(Array.from({ length: limits.concurrency }, worker));
  result.durationMs = performance.now() - started;
  result.connections = ports.size;
  agent?.destroy();
  return result;
}
