import { existsSync, readFileSync, watch } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execMain, spawnMain, Teardown, withTimeout } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

async function tempDir(): Promise<string> {
  return teardown.add(await mkdtemp(join(tmpdir(), 'buffer-demo-cli-')), (dir) =>
    rm(dir, { recursive: true, force: true }),
  );
}

describe('buffer-demo CLI', () => {
  it('lists the demos, one line each, without an argument', async () => {
    const r = await execMain(MAIN, []);
    expect(r.code).toBe(0);
    const names = [
      'structure',
      'allocation',
      'encodings',
      'garbled',
      'concat',
      'highwatermark',
      'static-content',
    ];
    for (const name of names) expect(r.stdout).toMatch(new RegExp(`^  ${name} +§6`, 'm'));
    expect(r.stdout.split('\n').filter((l) => /^ {2}\S+ +§6/.test(l))).toHaveLength(names.length);
  });

  it('exits 2 naming an unknown demo, an unknown flag or a bad value', async () => {
    const unknown = await execMain(MAIN, ['nope']);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain("unknown demo 'nope'");
    const flag = await execMain(MAIN, ['structure', '--bogus']);
    expect(flag).toMatchObject({ code: 2 });
    expect(flag.stderr).toContain('--bogus');
    const size = await execMain(MAIN, ['highwatermark', '--size', '0']);
    expect(size).toMatchObject({ code: 2 });
    expect(size.stderr).toContain('--size');
    const quick = await execMain(MAIN, ['structure', '--quick']);
    expect(quick).toMatchObject({ code: 2 }); // only the long demos take --quick
    const child = await execMain(MAIN, ['static-content-server']);
    expect(child).toMatchObject({ code: 2 }); // needs the demo's IPC channel
  });

  it('--json prints one JSON object with the demo, the Node version and the data', async () => {
    const r = await execMain(MAIN, ['--', 'structure', '--json']);
    expect(r.code).toBe(0);
    const object = JSON.parse(r.stdoutRaw) as Record<string, unknown>;
    expect(object).toMatchObject({ demo: 'structure', node: process.version, charts: [] });
    expect(object.utf8).toMatchObject({ bytes: 19 });
  });

  it('writes charts into --out and says where', async () => {
    const out = await tempDir();
    const r = await execMain(MAIN, ['concat', '--chunks', '500', '--runs', '1', '--out', out]);
    expect(r.code).toBe(0);
    const chart = join(out, 'concat.svg');
    expect(r.stdout).toContain(`chart: ${chart}`);
    expect(readFileSync(chart, 'utf8')).toMatch(/^<svg/);
    const json = await execMain(MAIN, [
      'highwatermark',
      '--quick',
      '--size',
      '64k',
      '--json',
      '--out',
      out,
    ]);
    const object = JSON.parse(json.stdoutRaw) as {
      rows: { dataEvents: number }[];
      charts: string[];
    };
    expect(object.rows.map((x) => x.dataEvents)).toEqual([64, 16, 4, 1, 1, 1, 1]);
    expect(object.charts).toEqual([join(out, 'highwatermark.svg')]);
    expect(existsSync(object.charts[0]!)).toBe(true);
  });

  it('Ctrl-C during highwatermark removes the generated file and exits 130', async () => {
    const tmp = await tempDir();
    const watcher = teardown.add(watch(tmp), (w) => w.close());
    // tsx puts its cache in TMPDIR too (`tsx-0`): wait for the demo's own directory.
    const created = withTimeout(
      new Promise<void>((resolve) =>
        watcher.on('change', (_type, name) => {
          if (String(name).startsWith('buffer-demo-')) resolve();
        }),
      ),
      15_000,
      'the demo to create its temporary directory',
    );
    const proc = spawnMain(MAIN, ['highwatermark', '--size', '1g'], { env: { TMPDIR: tmp } });
    teardown.add(proc, (p) => p.stop('SIGKILL'));
    await created;
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(130);
    const left = (await readdir(tmp)).filter((name) => name.startsWith('buffer-demo-'));
    expect(left).toEqual([]);
    expect(proc.stderr.text).toContain('interrupted');
  });
});
