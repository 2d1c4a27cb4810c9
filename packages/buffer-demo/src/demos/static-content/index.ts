/**
 * Demo `static-content` (§6.4 Buffer与性能): the book's experiment, a 10 KiB body written as
 * a string vs as a Buffer prepared once, measured with autocannon on the running Node, with and
 * without keep-alive, with the server's CPU per request; then the explanation, measured too: the
 * write path each response takes into the socket (which handle calls, with which chunks), the
 * time of the `writev` call that encodes the string, and a `--cpu-prof` profile of each route.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveLimits, type LimitOptions } from 'common';
import { median, pinnedCommand } from 'common/bench';
import { STATIC_BODY_BYTES } from '../../constants.ts';
import { STATIC_CONTENT_LIMITS } from '../../limits.ts';
import { withTempDir } from '../../temp.ts';
import { startServerChild, type ServerChild } from './child.ts';
import {
  CONNECTION_MODES,
  rawRequest,
  runLoad,
  alternatingRequests,
  TRACE_REQUESTS,
  type ConnectionMode,
  type LoadFigures,
} from './load.ts';
import {
  monotonicUs,
  selfTimeOf,
  summarizeProfile,
  type CpuProfile,
  type ProfileEntry,
  type ProfileWindow,
} from './profile.ts';
import { ROUTES, type HandleCall, type Route } from './server.ts';

/** Medians of one route under one connection mode. */
export interface RouteFigures extends LoadFigures {
  route: Route;
  mode: ConnectionMode;
}

/** Per connection mode: medians of the per-run ratios (runs alternate the two routes). */
export interface RouteRatio {
  mode: ConnectionMode;
  /** req/s of the Buffer route ÷ req/s of the string route (the book: ≈ 2). */
  bufferOverStringThroughput: number;
  /** Server CPU per request of the string route ÷ the Buffer route's. */
  stringOverBufferCpu: number;
}

/** The handle calls one response made (from the trace). */
export interface WritePath {
  route: Route;
  request: string;
  calls: HandleCall[];
}

/** Median duration of the handle's `writev` per route, from `traceRequests` keep-alive requests. */
export interface WritevTiming {
  route: Route;
  calls: number;
  medianUs: number;
}

/** `Buffer.byteLength` calls while writing a response (the chunk-size line of a string body). */
export interface ByteLengthTiming {
  route: Route;
  callsPerResponse: number;
  /** Median duration of one call, in µs (0 when there were none). */
  medianUs: number;
}

/** A route's `--cpu-prof` profile under keep-alive load, summed up. */
export interface RouteProfile {
  route: Route;
  requests: number;
  busyMs: number;
  /** Self time of the native `writev` per request, in µs. */
  writevUsPerRequest: number;
  top: ProfileEntry[];
}

/** What {@link staticContentDemo} returns. */
export interface StaticContentResult {
  bodyBytes: number;
  connections: number;
  durationMs: number;
  runs: number;
  /** The server ran on CPU 0 (taskset); the caller decides where the load runs. */
  pinned: boolean;
  figures: RouteFigures[];
  ratios: RouteRatio[];
  writePaths: WritePath[];
  writev: WritevTiming[];
  byteLength: ByteLengthTiming[];
  /**
   * What the string body costs per response beyond the Buffer, in µs: the difference of the
   * median `writev` (where C++ encodes the string) plus the `Buffer.byteLength` calls.
   */
  encodeUs: number;
  /** `(Buffer route CPU/request + encodeUs) ÷ Buffer route CPU/request`, keep-alive. */
  predictedCpuRatio: number;
  /** Empty when `profile` was false. */
  profiles: RouteProfile[];
}

/** Options of {@link staticContentDemo}; bounds and defaults in `STATIC_CONTENT_LIMITS`. */
export interface StaticContentOptions extends LimitOptions<typeof STATIC_CONTENT_LIMITS> {
  /** Run the child servers on CPU 0 with taskset, when available. Default false. */
  pin?: boolean;
  /** Profile each route with `--cpu-prof`. Default true. */
  profile?: boolean;
  /** Called after each step: `done` of `total`, and what runs next. */
  onProgress?: (done: number, total: number, step: string) => void;
  signal?: AbortSignal;
}

/**
 * Runs the experiment and the explanation (child processes, loopback HTTP; every child is
 * stopped before it returns or throws).
 *
 * @throws {InvalidArgumentError} for a bad option; {@link StaticServerError} when a child
 *   server fails; the signal's reason on abort.
 */
export async function staticContentDemo(
  options: StaticContentOptions = {},
): Promise<StaticContentResult> {
  const limits = resolveLimits(STATIC_CONTENT_LIMITS, options);
  const { signal } = options;
  const prefix = options.pin === true ? pinnedCommand(0) : [];
  const profile = options.profile ?? true;
  const combos = CONNECTION_MODES.flatMap((mode) => ROUTES.map((route) => ({ mode, route })));
  const total = combos.length * (limits.runs + 1) + 1 + (profile ? ROUTES.length : 0);
  let done = 0;
  const step = (next: string): void => options.onProgress?.(done++, total, next);
  const start = (trace: boolean, cpuProfDir?: string): Promise<ServerChild> =>
    startServerChild({
      trace,
      prefix,
      startTimeout: limits.startTimeout,
      ...(cpuProfDir === undefined ? {} : { cpuProfDir }),
    });
  const load = (child: ServerChild, route: Route, mode: ConnectionMode, durationMs: number) =>
    runLoad({
      url: `http://127.0.0.1:${child.port}/${route}`,
      mode,
      connections: limits.connections,
      durationMs,
      serverCpuMs: () => child.cpuMs(),
      ...(signal ? { signal } : {}),
    });

  // 1. The experiment: warm-up, then runs alternating the routes.
  const samples = new Map(combos.map((c) => [`${c.route} ${c.mode}`, [] as LoadFigures[]]));
  await withChild(await start(false), async (child) => {
    for (const { route, mode } of combos) {
      step(`warm-up ${route} ${mode}`);
      await load(child, route, mode, Math.min(limits.duration, 500));
    }
    for (let run = 0; run < limits.runs; run += 1) {
      for (const { route, mode } of combos) {
        step(`run ${run + 1}: ${route}, ${mode}`);
        samples.get(`${route} ${mode}`)!.push(await load(child, route, mode, limits.duration));
      }
    }
  });

  // 2. The write path and the cost of writev, traced in a fresh child.
  step('tracing the write path');
  const traced = await withChild(await start(true), async (child) => {
    for (const route of ROUTES) {
      for (const request of Object.values(TRACE_REQUESTS)) {
        await rawRequest(child.port, request(`/${route}`), limits.startTimeout);
      }
    }
    signal?.throwIfAborted();
    await alternatingRequests(
      ROUTES.map((route) => `http://127.0.0.1:${child.port}/${route}`),
      limits.traceRequests,
      limits.startTimeout,
    );
    return child.report();
  });

  // 3. A CPU profile of each route under keep-alive load (the samples of the load window only).
  const profiles: RouteProfile[] = [];
  if (profile) {
    await withTempDir(async (dir) => {
      for (const route of ROUTES) {
        step(`profiling ${route}`);
        const profDir = join(dir, route);
        let window: ProfileWindow | undefined;
        const figures = await withChild(await start(false, profDir), async (child) => {
          await load(child, route, 'keep-alive', Math.min(limits.duration, 500)); // JIT warm-up
          const from = monotonicUs();
          const result = await load(child, route, 'keep-alive', limits.duration);
          window = { from, to: monotonicUs() };
          return result;
        });
        const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
        if (file === undefined) continue;
        const cpu = JSON.parse(await readFile(join(profDir, file), 'utf8')) as CpuProfile;
        const summary = summarizeProfile(cpu, window);
        profiles.push({
          route,
          requests: figures.requests,
          busyMs: summary.busyMs,
          writevUsPerRequest:
            (selfTimeOf(cpu, 'writev', window) * 1000) / Math.max(1, figures.requests),
          top: summary.top,
        });
      }
    });
  }
  options.onProgress?.(total, total, 'done');

  const figures = combos.map(({ route, mode }) =>
    medians(route, mode, samples.get(`${route} ${mode}`)!),
  );
  const ratios = CONNECTION_MODES.map((mode) => {
    const s = samples.get(`string ${mode}`)!;
    const b = samples.get(`buffer ${mode}`)!;
    return {
      mode,
      bufferOverStringThroughput: median(b.map((x, i) => x.reqPerSecond / s[i]!.reqPerSecond)),
      stringOverBufferCpu: median(s.map((x, i) => x.serverUsPerRequest / b[i]!.serverUsPerRequest)),
    };
  });
  const writev = ROUTES.map((route) => {
    const ns = traced.writevNs[route];
    return { route, calls: ns.length, medianUs: median(ns) / 1000 };
  });
  const byteLength = ROUTES.map((route) => {
    const ns = traced.byteLengthNs[route];
    return {
      route,
      callsPerResponse: ns.length / Math.max(1, traced.responses[route]),
      medianUs: ns.length === 0 ? 0 : median(ns) / 1000,
    };
  });
  const perResponse = (b: ByteLengthTiming): number => b.callsPerResponse * b.medianUs;
  const encodeUs =
    writev[0]!.medianUs -
    writev[1]!.medianUs +
    perResponse(byteLength[0]!) -
    perResponse(byteLength[1]!);
  const bufferCpu = figures.find((f) => f.route === 'buffer' && f.mode === 'keep-alive')!;
  return {
    bodyBytes: STATIC_BODY_BYTES,
    connections: limits.connections,
    durationMs: limits.duration,
    runs: limits.runs,
    pinned: prefix.length > 0,
    figures,
    ratios,
    writePaths: Object.entries(traced.calls).map(([key, calls]) => {
      const [route, ...request] = key.split(' ');
      return { route: route as Route, request: request.join(' '), calls };
    }),
    writev,
    byteLength,
    encodeUs,
    predictedCpuRatio: (bufferCpu.serverUsPerRequest + encodeUs) / bufferCpu.serverUsPerRequest,
    profiles,
  };
}

/** Runs `fn` with a started child and always stops the child afterwards. */
async function withChild<T>(
  child: ServerChild,
  fn: (child: ServerChild) => Promise<T>,
): Promise<T> {
  try {
    return await fn(child);
  } finally {
    await child.stop();
  }
}

function medians(route: Route, mode: ConnectionMode, runs: readonly LoadFigures[]): RouteFigures {
  const m = (pick: (f: LoadFigures) => number): number => median(runs.map(pick));
  return {
    route,
    mode,
    requests: m((f) => f.requests),
    reqPerSecond: m((f) => f.reqPerSecond),
    mibPerSecond: m((f) => f.mibPerSecond),
    p99Ms: m((f) => f.p99Ms),
    serverUsPerRequest: m((f) => f.serverUsPerRequest),
    errors: runs.reduce((n, f) => n + f.errors, 0),
  };
}
