/** An export of the fixture workspace (no npm): what is inlined, how imports are rewritten. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPackage, type ExportResult } from '../src/export.ts';
import { fixtureFiles, writeFixture } from './fixture.ts';

let fixture: ReturnType<typeof writeFixture>;
let out: string;
let result: ExportResult;
const read = (path: string): string => readFileSync(join(out, path), 'utf8');

beforeAll(async () => {
  fixture = writeFixture();
  out = join(mkdtempSync(join(tmpdir(), 'netlab-starter-out-')), 'app');
  result = await exportPackage(fixture.root, 'app', out);
});
afterAll(() => {
  fixture?.cleanup();
  if (out !== undefined) rmSync(join(out, '..'), { recursive: true, force: true });
});

describe('what is inlined', () => {
  it('copies exactly the modules that declare the imported names, transitively', () => {
    expect(result.inlined.get('lib')?.sort()).toEqual([
      'constants.ts',
      'errors.ts',
      'harness/wait.ts',
      'logger.ts',
      'serve.ts',
      'star.ts',
    ]);
    // index.ts and harness.ts only re-export; chart.ts (and vega) is not used.
    expect(existsSync(join(out, 'src/lib/lib/index.ts'))).toBe(false);
    expect(existsSync(join(out, 'src/lib/lib/chart.ts'))).toBe(false);
  });

  it("drops an inlined module's re-exports of workspace modules (nothing imports through them)", () => {
    // serve.ts re-exports extra.ts (which needs vega); the app never uses it.
    expect(read('src/lib/lib/serve.ts')).not.toContain('extra');
    expect(existsSync(join(out, 'src/lib/lib/extra.ts'))).toBe(false);
    // A re-export of an npm package's name makes the module its declaring module: kept.
    expect(read('src/lib/lib/logger.ts')).toContain("export type { Logger } from 'pino';");
  });

  it("carries a reached library's CLI script with the file it runs", () => {
    expect(result.inlined.get('pki')?.sort()).toEqual(['keys.ts', 'main.ts']);
    expect((result.manifest.scripts as Record<string, string>).certs).toBe(
      'tsx src/lib/pki/main.ts',
    );
  });

  it('keeps the own files as they are, but for their workspace imports', () => {
    expect(read('src/index.ts')).toBe(
      readFileSync(join(fixture.root, 'packages/app/src/index.ts'), 'utf8'),
    );
    expect(result.files).toContain('test/app.test.ts');
    expect(result.files).not.toContain('src/lib/lib/index.ts');
  });
});

describe('rewritten imports', () => {
  it('splits an index import into one import per declaring module, keeping type-only names', () => {
    const main = read('src/main.ts');
    expect(main).toContain("import * as constants from '#lib/lib/constants.ts';");
    expect(main).toContain("import { NetError as LibError } from '#lib/lib/errors.ts';");
    expect(main).toContain("import { createLogger, type Logger } from '#lib/lib/logger.ts';");
    expect(main).toContain("import { serve } from '#lib/lib/serve.ts';");
    expect(main).toContain("import { starred } from '#lib/lib/star.ts';");
    expect(main).toContain("import { makeKeys } from '#lib/pki/keys.ts';");
    expect(main).toMatch(/^\/\/ the program\n/); // comments above the import stay
    expect(main).not.toMatch(/from 'lib'|from 'pki'/);
  });

  it('keeps `import type` a type import', () => {
    expect(read('src/helper.ts')).toContain(
      "import type { ServeOptions } from '#lib/lib/serve.ts';",
    );
  });

  it('rewrites subpath entry points and imports between inlined packages', () => {
    expect(read('test/app.test.ts')).toContain(
      "import { waitFor } from '#lib/lib/harness/wait.ts';",
    );
    expect(read('src/lib/pki/keys.ts')).toContain(
      "import { NetError as LibError } from '#lib/lib/errors.ts';",
    );
    // a relative import inside an inlined package is left as it was
    expect(read('src/lib/lib/harness/wait.ts')).toContain(
      "import { NetError } from '../errors.ts';",
    );
    expect(read('src/lib/pki/main.ts')).toContain("import { makeKeys } from './keys.ts';");
  });
});

describe('paths out of the package', () => {
  it('point from the workspace root to the project root, and at inlined files in src/lib/', () => {
    const test = read('test/app.test.ts');
    expect(test).toContain("export const ROOT = new URL('../', import.meta.url);");
    expect(test).toContain("export const KEYS = new URL('../pki/', import.meta.url);");
    expect(test).toContain("export const CLI = '../src/lib/pki/main.ts';");
  });

  it('are named in a note when the export does not have their file', () => {
    expect(result.notes).toEqual([
      'packages/app/test/app.test.ts:8 refers to packages/lib/src/chart.ts, which the export does not have',
    ]);
    expect(read('test/app.test.ts')).toContain("export const CHART = '../../lib/src/chart.ts';");
  });
});

describe('package.json', () => {
  it('depends on exactly the npm packages used, at the lockfile versions', () => {
    expect(result.manifest.dependencies).toEqual({
      '@peculiar/x509': '2.2.0',
      pino: '10.4.0',
      'pino-pretty': '13.1.3',
      tsx: '4.23.15',
    });
    expect(result.manifest.devDependencies).toEqual({
      '@eslint/js': '9.39.5',
      '@types/node': '20.19.43',
      eslint: '9.39.5',
      'fast-check': '4.10.2',
      prettier: '3.10.1',
      typescript: '6.0.3',
      vitest: '4.1.12',
    });
  });

  it('keeps the overrides and build permissions that apply to what is installed', () => {
    expect(result.manifest.overrides).toEqual({ 'strip-json-comments': '5.0.3' });
    expect(result.manifest.allowScripts).toEqual({ esbuild: true });
    expect(result.manifest.engines).toEqual({ node: '>=20' });
    expect(result.manifest.imports).toEqual({ '#lib/*': './src/lib/*' });
    expect(result.manifest).not.toHaveProperty('netlab');
  });

  it('has the scripts of the package and lint/format from the root', () => {
    expect(Object.keys(result.manifest.scripts as object).sort()).toEqual(
      ['certs', 'format', 'lint', 'start', 'test', 'typecheck'].sort(),
    );
  });
});

describe('configuration files', () => {
  it('merges the base tsconfig into a standalone one', () => {
    expect(JSON.parse(read('tsconfig.json'))).toEqual({
      compilerOptions: { strict: true, types: ['node'] },
      include: ['src', 'test', '*.ts'],
    });
  });

  it('makes the vitest project a standalone config and the eslint globs local', () => {
    expect(read('vitest.config.ts')).toContain("import { defineConfig } from 'vitest/config';");
    expect(read('vitest.config.ts')).toContain('testTimeout: 30_000');
    expect(read('eslint.config.js')).toContain("files: ['src/server.ts']");
  });

  it('ignores the output folder of a reached library, and installs the tests’ Debian tools in CI', () => {
    expect(read('.gitignore')).toContain('# Keys.\npki/*\n');
    expect(read('.gitignore')).not.toContain('!pki/README.md');
    expect(read('.github/workflows/ci.yml')).toContain('apt-get install -y -qq netcat-openbsd');
    expect(read('.npmrc')).toBe('engine-strict=true\n');
  });
});

describe('README', () => {
  it('says where the project came from and rewrites commands and links', () => {
    const readme = read('README.md');
    expect(readme).toMatch(
      /^# app: the fixture server\n\n> A standalone copy of netlab's `packages\/app` \(not from a git checkout\)/,
    );
    expect(readme).toContain(
      "Run `npm start`, see [serve](src/lib/lib/serve.ts) and lib (netlab's `packages/lib/README.md`).",
    );
    expect(readme).toContain('npm start -- --port 1              # one'); // the comment's column kept
    expect(readme).toContain('npm run certs -- --force');
    expect(readme).toContain('## Standalone project');
  });

  it('rewrites the imports of TypeScript snippets to modules the project has, and only those', () => {
    expect(read('README.md')).toContain(
      [
        "import { createLogger } from '#lib/lib/logger.ts';",
        "import { serve } from '#lib/lib/serve.ts';",
        "import { drawChart } from 'lib'; // not inlined: left as it was",
        "import { missing } from 'lib';",
        "import { helper } from 'app'; // the package itself (package.json exports)",
      ].join('\n'),
    );
  });
});

describe('a package without a README', () => {
  it('gets one: its name, description, origin and what the export changed', async () => {
    const files = fixtureFiles();
    delete files['packages/app/README.md'];
    const bare = writeFixture(files);
    const target = join(mkdtempSync(join(tmpdir(), 'netlab-starter-bare-')), 'app');
    try {
      await exportPackage(bare.root, 'app', target);
      const readme = readFileSync(join(target, 'README.md'), 'utf8');
      expect(readme).toMatch(
        /^# app\n\n> A standalone copy of netlab.s `packages\/app`.*\n\nthe app\n/,
      );
      expect(readme).toContain('\n## Standalone project\n');
    } finally {
      bare.cleanup();
      rmSync(join(target, '..'), { recursive: true, force: true });
    }
  });
});

describe('in a git checkout', () => {
  it('copies the working tree: ignored files stay out, a tracked file deleted is not looked for', async () => {
    const repo = writeFixture();
    const target = join(mkdtempSync(join(tmpdir(), 'netlab-starter-git-')), 'app');
    try {
      const git = (...args: string[]): string =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
          cwd: repo.root,
          encoding: 'utf8',
        });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'fixture');
      rmSync(join(repo.root, 'packages/app/src/index.ts'));
      writeFileSync(join(repo.root, '.gitignore'), 'node_modules/\nresults/\n');
      mkdirSync(join(repo.root, 'packages/app/results'));
      writeFileSync(join(repo.root, 'packages/app/results/run.json'), '{}');
      const exported = await exportPackage(repo.root, 'app', target);
      expect(exported.files).not.toContain('src/index.ts');
      expect(exported.files).not.toContain('results/run.json');
      expect(readFileSync(join(target, 'README.md'), 'utf8')).toMatch(
        /\(commit `[0-9a-f]{12}`, with uncommitted changes\)/,
      );
    } finally {
      repo.cleanup();
      rmSync(join(target, '..'), { recursive: true, force: true });
    }
  });
});
