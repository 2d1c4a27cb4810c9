import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatStaticContent, staticContentDemo } from '../src/index.ts';

/** PIDs of this process's children running the static-content server (from /proc). */
function childServers(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === process.pid && cmdline.includes('static-content-server'))
        pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

const QUICK = { duration: 200, runs: 1, connections: 2, traceRequests: 20 } as const;

describe('static-content (§6.4), quick', () => {
  it("returns both routes' figures and a profile of each", async () => {
    const steps: string[] = [];
    const r = await staticContentDemo({ ...QUICK, onProgress: (_d, _t, step) => steps.push(step) });
    expect(childServers()).toEqual([]); // every child stopped
    expect(r).toMatchObject({ bodyBytes: 10 * 1024, runs: 1, connections: 2, pinned: false });
    expect(r.figures.map((f) => `${f.route} ${f.mode}`)).toEqual([
      'string keep-alive',
      'buffer keep-alive',
      'string close',
      'buffer close',
    ]);
    for (const f of r.figures) {
      expect(f.requests).toBeGreaterThan(0);
      expect(f.reqPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(f.serverUsPerRequest)).toBe(true);
      expect(f.errors).toBe(0);
    }
    expect(r.ratios.map((x) => x.mode)).toEqual(['keep-alive', 'close']);
    for (const x of r.ratios) {
      expect(x.bufferOverStringThroughput).toBeGreaterThan(0);
      expect(Number.isFinite(x.stringOverBufferCpu)).toBe(true);
    }
    expect(steps.at(-1)).toBe('done');
    // The profile of each route under load (--cpu-prof, start-up left out).
    expect(r.profiles.map((p) => p.route)).toEqual(['string', 'buffer']);
    for (const p of r.profiles) {
      expect(p.requests).toBeGreaterThan(0);
      expect(p.top.length).toBeGreaterThan(0);
      expect(p.writevUsPerRequest).toBeGreaterThanOrEqual(0);
    }
  });

  it('traces what each response hands to the socket handle', async () => {
    const r = await staticContentDemo({ ...QUICK, profile: false });
    expect(r.profiles).toEqual([]);
    expect(r.writePaths).toHaveLength(6);
    const chunks = (route: string, request: string) =>
      r.writePaths
        .find((p) => p.route === route && p.request === request)!
        .calls.flatMap((c) => c.chunks);
    // The string body goes to the handle as a string (encoded in C++); the Buffer as it is.
    expect(chunks('string', 'keep-alive').some((c) => /^string 10240\b/.test(c))).toBe(true);
    expect(chunks('buffer', 'keep-alive')).toContain('Buffer 10240');
    expect(chunks('buffer', 'keep-alive').some((c) => /^string 10240\b/.test(c))).toBe(false);
    // HTTP/1.0 (ab, the book's tool): the header is concatenated with the string body.
    expect(
      chunks('string', 'HTTP/1.0').some((c) => Number(/^string (\d+)/.exec(c)?.[1]) > 10240),
    ).toBe(true);
    expect(r.writev.map((w) => w.route)).toEqual(['string', 'buffer']);
    for (const w of r.writev) {
      expect(w.calls).toBeGreaterThanOrEqual(20);
      expect(w.medianUs).toBeGreaterThan(0);
    }
    // _http_outgoing counts the string's bytes for the chunk-size line; a Buffer has byteLength.
    expect(r.byteLength).toEqual([
      { route: 'string', callsPerResponse: 1, medianUs: expect.any(Number) },
      { route: 'buffer', callsPerResponse: 0, medianUs: 0 },
    ]);
    expect(Number.isFinite(r.encodeUs)).toBe(true);
    expect(formatStaticContent(r)).toContain('writev[');
  });

  it('stops its children when aborted', async () => {
    const controller = new AbortController();
    const run = staticContentDemo({
      ...QUICK,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(childServers()).toEqual([]);
  });
});
