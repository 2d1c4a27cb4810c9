/**
 * A V8 CPU profile (`node --cpu-prof`, the `.cpuprofile` JSON: a call tree of `nodes`, and
 * `samples` with `timeDeltas` in µs) summed up per function: self time, the busy (non-idle)
 * total, and the top functions. Pure: no I/O. Native functions called from JS (the socket
 * handle's `writev`) appear under their own name, so their self time includes the C++ work and
 * the system call they make.
 */

/** The parts of a `.cpuprofile` this module reads. Times in µs of the monotonic clock. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * A time window in µs of the monotonic clock, the clock of `process.hrtime` (in every process
 * on the machine), so a parent can mark when its load ran and keep only those samples, leaving
 * out the child's start-up (module loading, compiling).
 */
export interface ProfileWindow {
  from: number;
  to: number;
}

/** The samples in `window` (all without one): node id and the time it stands for, in µs. */
function samplesIn(profile: CpuProfile, window?: ProfileWindow): [number, number][] {
  const out: [number, number][] = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const us = profile.timeDeltas[i] ?? 0;
    t += us;
    if (window === undefined || (t >= window.from && t <= window.to))
      out.push([profile.samples[i]!, us]);
  }
  return out;
}

/** One function's self time. */
export interface ProfileEntry {
  /** `functionName (file)`, `(anonymous)`, or V8's `(garbage collector)`, `(program)`. */
  name: string;
  selfMs: number;
  /** Share of the busy time, 0–1. */
  share: number;
}

/** A profile summed up. */
export interface ProfileSummary {
  /** All sampled time, in ms. */
  totalMs: number;
  /** Sampled time not in `(idle)`, in ms. */
  busyMs: number;
  top: ProfileEntry[];
}

/** V8's pseudo-frames that are not work of the process. */
const IDLE = '(idle)';

type Frame = CpuProfile['nodes'][number]['callFrame'];

function frameName(frame: Frame, caller: Frame | undefined): string {
  // A native function without a name (a V8 fast API call, e.g. the UTF-8 byte count behind
  // Buffer.byteLength) is named after the JS function that called it.
  if (frame.functionName === '' && frame.url === '' && caller !== undefined) {
    return `(native, in ${caller.functionName === '' ? '(anonymous)' : caller.functionName})`;
  }
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const file = frame.url.slice(frame.url.lastIndexOf('/') + 1);
  return `${name} (${file})`;
}

/** Node id → display name (see {@link frameName}). */
function nodeNames(profile: CpuProfile): Map<number, string> {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const callers = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) callers.set(child, n.id);
  return new Map(
    profile.nodes.map((n) => {
      const caller = callers.get(n.id);
      return [n.id, frameName(n.callFrame, caller === undefined ? undefined : frames.get(caller))];
    }),
  );
}

/** Self time per function within `window`, biggest first, `top` of them. */
export function summarizeProfile(
  profile: CpuProfile,
  window?: ProfileWindow,
  top = 8,
): ProfileSummary {
  const names = nodeNames(profile);
  const self = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of samplesIn(profile, window)) {
    totalUs += us;
    const name = names.get(id) ?? '(unknown)';
    self.set(name, (self.get(name) ?? 0) + us);
  }
  const busyUs = totalUs - (self.get(IDLE) ?? 0);
  const entries = [...self]
    .filter(([name]) => name !== IDLE)
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return { totalMs: totalUs / 1000, busyMs: busyUs / 1000, top: entries.slice(0, top) };
}

/** Self time of the function called `name` (any file) within `window`, in ms. */
export function selfTimeOf(profile: CpuProfile, name: string, window?: ProfileWindow): number {
  const ids = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === name).map((n) => n.id),
  );
  let us = 0;
  for (const [id, sampleUs] of samplesIn(profile, window)) if (ids.has(id)) us += sampleUs;
  return us / 1000;
}

/** Now on the profile's clock (see {@link ProfileWindow}), in µs. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
