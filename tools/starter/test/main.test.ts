/** `pnpm starter` as a program: refusals in one line with exit 2, `--help`, an export. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execMain } from 'common/harness';
import { fixtureFiles, writeFixture } from './fixture.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let fixture: ReturnType<typeof writeFixture>;
let scratch: string;

beforeAll(() => {
  fixture = writeFixture();
  scratch = mkdtempSync(join(tmpdir(), 'netlab-starter-cli-'));
});
afterAll(() => {
  fixture?.cleanup();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

const starter = (args: string[], root = fixture.root): ReturnType<typeof execMain> =>
  execMain(MAIN, args, { env: { NETLAB_ROOT: root, INIT_CWD: scratch }, timeoutMs: 60_000 });

describe('pnpm starter', () => {
  it('--help lists the exportable packages only', async () => {
    const { code, stdout } = await starter(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: pnpm starter <package> <dir>');
    expect(stdout).toMatch(/^ {2}app +server +app server$/m);
    expect(stdout).not.toMatch(/^ {2}(lib|pki|tool) /m);
  });

  it.each([
    [['nope', 'out'], 'starter: unknown package nope (exportable: app)'],
    [
      ['lib', 'out'],
      'starter: lib is not exportable: it is a library that starters inline (exportable: app)',
    ],
    [['tool', 'out'], 'starter: tool is not exportable: it is a workspace tool (exportable: app)'],
    [['app'], 'starter: expected two arguments, <package> <dir> (see --help)'],
    [['--force', 'app', 'out'], 'starter: unknown flag --force (see --help)'],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    const { code, stdout, stderr } = await starter(args);
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it('refuses a target folder that is not empty, and leaves it as it was', async () => {
    const target = join(scratch, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'mine');
    const { code, stderr } = await starter(['app', 'taken']);
    expect({ code, stderr }).toEqual({ code: 2, stderr: `starter: ${target} is not empty` });
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('exports into a new folder relative to where pnpm was run (INIT_CWD), with its notes', async () => {
    // main.ts's own root ends with a separator, as this one does.
    const { code, stdout } = await starter(['app', 'fresh'], `${fixture.root}/`);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'note: packages/app/test/app.test.ts:8 refers to packages/lib/src/chart.ts, which the export does not have',
    );
    expect(stdout).toMatch(
      /^exported app to .*\/fresh: \d+ files, 8 of them inlined from lib, pki under src\/lib\/$/m,
    );
    expect(JSON.parse(readFileSync(join(scratch, 'fresh', 'package.json'), 'utf8'))).toMatchObject({
      name: 'app',
    });
  });

  it('names the file and the name when an import does not resolve (exit 1)', async () => {
    const files = fixtureFiles();
    files['packages/app/src/helper.ts'] =
      "import { nothing } from 'lib';\nexport const helper = nothing;\n";
    const broken = writeFixture(files);
    try {
      const { code, stderr } = await starter(['app', 'broken'], broken.root);
      expect({ code, stderr }).toEqual({
        code: 1,
        stderr:
          "starter: ERR_UNRESOLVED_IMPORT: packages/app/src/helper.ts:1: 'lib' does not export nothing",
      });
    } finally {
      broken.cleanup();
    }
  });
});
