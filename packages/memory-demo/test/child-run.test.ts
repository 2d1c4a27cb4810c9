import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChild, withTempDir } from '../src/child/run.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/child-entry.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const base = { params: {}, nodeFlags: [], maxOutputBytes: 1 << 16, cwd: process.cwd() };

describe('runChild', () => {
  it('runs a real experiment with its V8 flags and collects the result', async () => {
    await withTempDir(async (cwd) => {
      const out = await runChild({
        ...base,
        cwd,
        experiment: 'usage',
        nodeFlags: ['--max-old-space-size=48'],
        timeoutMs: 30_000,
      });
      expect(out.code).toBe(0);
      expect(out.result).toMatchObject({ execArgv: ['--max-old-space-size=48'] });
    });
  });

  it('kills a child that runs past its timeout (ERR_CHILD_TIMEOUT)', async () => {
    let pid = 0;
    await expect(
      runChild({
        ...base,
        entry: FIXTURE,
        experiment: 'hang',
        timeoutMs: 1_500,
        onSample: (s) => (pid = (s as { pid: number }).pid),
      }),
    ).rejects.toMatchObject({ code: 'ERR_CHILD_TIMEOUT' });
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it('kills the child when the signal aborts (ERR_CHILD_ABORTED)', async () => {
    const controller = new AbortController();
    let pid = 0;
    const run = runChild({
      ...base,
      entry: FIXTURE,
      experiment: 'hang',
      timeoutMs: 30_000,
      signal: controller.signal,
      onSample: (s) => {
        pid = (s as { pid: number }).pid;
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ERR_CHILD_ABORTED' });
    expect(alive(pid)).toBe(false);
  });

  it('rejects a line that is not a message (ERR_CHILD_PROTOCOL)', async () => {
    await expect(
      runChild({ ...base, entry: FIXTURE, experiment: 'garbage', timeoutMs: 30_000 }),
    ).rejects.toMatchObject({
      code: 'ERR_CHILD_PROTOCOL',
    });
  });

  it('reports a crash as an outcome with no result, stderr kept', async () => {
    const out = await runChild({ ...base, entry: FIXTURE, experiment: 'crash', timeoutMs: 30_000 });
    expect(out).toMatchObject({ code: 3, signal: null, result: undefined });
    expect(out.stderr).toContain('something went wrong');
  });
});

describe('withTempDir', () => {
  it('removes the directory when the function throws', async () => {
    let dir = '';
    await expect(
      withTempDir(async (d) => {
        dir = d;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(dir).not.toBe('');
    expect(existsSync(dir)).toBe(false);
  });
});
