/**
 * A small pnpm workspace on disk, shaped like netlab: a library `lib` whose index re-exports its
 * modules (renamed, type-only, `export * as`, `export *`, a type taken from an npm package), a
 * library `pki` with a CLI script and an import of `lib`, a server package `app` that imports
 * both through their entry points, a tool, and a lockfile. No node_modules: the exporter reads
 * none.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const LOCK = `lockfileVersion: '9.0'

overrides:
  strip-json-comments: 5.0.3

importers:

  .:
    devDependencies:
      '@types/node':
        specifier: 20.19.43
        version: 20.19.43
      '@eslint/js':
        specifier: 9.39.5
        version: 9.39.5
      typescript:
        specifier: 6.0.3
        version: 6.0.3
      vitest:
        specifier: 4.1.12
        version: 4.1.12(@types/node@20.19.43)
      eslint:
        specifier: 9.39.5
        version: 9.39.5
      prettier:
        specifier: 3.10.1
        version: 3.10.1

  packages/app:
    dependencies:
      lib:
        specifier: workspace:*
        version: link:../lib
      tsx:
        specifier: 4.23.15
        version: 4.23.15
    devDependencies:
      fast-check:
        specifier: 4.10.2
        version: 4.10.2

  packages/lib:
    dependencies:
      pino:
        specifier: 10.4.0
        version: 10.4.0
      pino-pretty:
        specifier: 13.1.3
        version: 13.1.3
      vega:
        specifier: 6.4.0
        version: 6.4.0

  packages/pki:
    dependencies:
      '@peculiar/x509':
        specifier: 2.2.0
        version: 2.2.0

packages: {}

snapshots:

  pino-pretty@13.1.3:
    dependencies:
      strip-json-comments: 5.0.3

  strip-json-comments@5.0.3: {}

  vitest@4.1.12(@types/node@20.19.43):
    dependencies:
      esbuild: 0.28.2

  esbuild@0.28.2: {}
`;

/** The fixture's files, path → content. Tests may replace or add some. */
export function fixtureFiles(): Record<string, string> {
  return {
    'package.json': json({
      name: 'fixture',
      private: true,
      type: 'module',
      engines: { node: '>=20' },
      scripts: {
        lint: 'eslint . && prettier --check .',
        format: 'prettier --write .',
        certs: 'pnpm --silent --filter pki certs',
      },
      devDependencies: { '@eslint/js': '9.39.5', typescript: '6.0.3', vitest: '4.1.12' },
    }),
    'pnpm-workspace.yaml': [
      'packages:',
      '  - packages/*',
      '  - tools/*',
      '# esbuild ships its binary in a registry package.',
      'onlyBuiltDependencies:',
      '  - esbuild',
      'overrides:',
      '  # 5.1.0 needs Node 22.',
      '  strip-json-comments: 5.0.3',
      '',
    ].join('\n'),
    'pnpm-lock.yaml': LOCK,
    'tsconfig.base.json': json({ compilerOptions: { strict: true, types: ['node'] } }),
    'eslint.config.js': [
      "import js from '@eslint/js';",
      '',
      "export default [js.configs.recommended, { files: ['packages/*/src/server.ts'], rules: {} }];",
      '',
    ].join('\n'),
    '.prettierrc.json': json({ singleQuote: true, printWidth: 100 }),
    '.npmrc': 'engine-strict=true\n',
    '.gitignore': 'node_modules/\n# Keys (see pki/README.md).\npki/*\n!pki/README.md\n',

    'packages/lib/package.json': json({
      name: 'lib',
      type: 'module',
      exports: { '.': './src/index.ts', './harness': './src/harness.ts' },
      scripts: { typecheck: 'tsc --noEmit -p .', test: 'vitest run' },
    }),
    'packages/lib/src/index.ts': [
      "export { serve, type ServeOptions } from './serve.ts';",
      "export { createLogger, type Logger } from './logger.ts';",
      "export { NetError as LibError } from './errors.ts';",
      "export * as constants from './constants.ts';",
      "export * from './star.ts';",
      "export { drawChart } from './chart.ts';",
      '',
    ].join('\n'),
    'packages/lib/src/serve.ts': [
      "import { NetError } from './errors.ts';",
      "export { extra } from './extra.ts';",
      'export interface ServeOptions { port: number }',
      'export function serve(o: ServeOptions): void { if (o.port < 0) throw new NetError(); }',
      '',
    ].join('\n'),
    'packages/lib/src/errors.ts': 'export class NetError extends Error {}\n',
    'packages/lib/src/extra.ts': "import * as vega from 'vega';\nexport const extra = vega;\n",
    'packages/lib/src/logger.ts': [
      "import { pino, type Logger } from 'pino';",
      "import pretty from 'pino-pretty';",
      "export type { Logger } from 'pino';",
      'export const createLogger = (): Logger => pino(pretty());',
      '',
    ].join('\n'),
    'packages/lib/src/constants.ts': 'export const PORT = 1;\n',
    'packages/lib/src/star.ts': 'export const starred = 1;\n',
    'packages/lib/src/chart.ts': "import * as vega from 'vega';\nexport const drawChart = vega;\n",
    'packages/lib/src/harness.ts': "export { waitFor } from './harness/wait.ts';\n",
    'packages/lib/src/harness/wait.ts': [
      "import { NetError } from '../errors.ts';",
      'export const waitFor = (): NetError => new NetError();',
      '',
    ].join('\n'),

    'packages/pki/package.json': json({
      name: 'pki',
      type: 'module',
      exports: { '.': './src/index.ts' },
      scripts: { certs: 'tsx src/main.ts', typecheck: 'tsc --noEmit -p .' },
    }),
    'packages/pki/src/index.ts': "export { makeKeys } from './keys.ts';\n",
    'packages/pki/src/keys.ts': [
      "import * as x509 from '@peculiar/x509';",
      "import { LibError } from 'lib';",
      'export const makeKeys = (): unknown => [x509, LibError];',
      "export const KEYS_DIR = new URL('../../../pki/', import.meta.url);",
      '',
    ].join('\n'),
    'packages/pki/src/main.ts': "import { makeKeys } from './keys.ts';\nmakeKeys();\n",

    'packages/app/package.json': json({
      name: 'app',
      version: '0.0.0',
      private: true,
      type: 'module',
      description: 'the app',
      exports: { '.': './src/index.ts' },
      scripts: {
        start: 'node --import tsx src/main.ts',
        typecheck: 'tsc --noEmit -p .',
        test: 'vitest run',
      },
      netlab: { server: { port: 1, label: 'app server', tryIt: 'nc 127.0.0.1 1' } },
      dependencies: { lib: 'workspace:*', pki: 'workspace:*', tsx: '4.23.15' },
      devDependencies: { 'fast-check': '4.10.2' },
    }),
    'packages/app/tsconfig.json': json({
      extends: '../../tsconfig.base.json',
      include: ['src', 'test', '*.ts'],
    }),
    'packages/app/vitest.config.ts': [
      "import { defineProject } from 'vitest/config';",
      '',
      "export default defineProject({ test: { name: 'app', testTimeout: 30_000 } });",
      '',
    ].join('\n'),
    'packages/app/src/main.ts': [
      '// the program',
      "import { constants, createLogger, LibError, serve, starred, type Logger } from 'lib';",
      "import { makeKeys } from 'pki';",
      "import { helper } from './helper.ts';",
      'const logger: Logger = createLogger();',
      'serve({ port: constants.PORT + starred });',
      'helper(logger, makeKeys, LibError);',
      '',
    ].join('\n'),
    'packages/app/src/helper.ts': [
      "import type { ServeOptions } from 'lib';",
      'export const helper = (...args: unknown[]): ServeOptions | unknown[] => args;',
      '',
    ].join('\n'),
    'packages/app/src/index.ts': "export { helper } from './helper.ts';\n",
    'packages/app/test/app.test.ts': [
      "import fc from 'fast-check';",
      "import { expect, it } from 'vitest';",
      "import { waitFor } from 'lib/harness';",
      "it('runs', () => expect([fc, waitFor(), 'nc']).toBeTruthy());",
      "export const ROOT = new URL('../../../', import.meta.url);",
      "export const KEYS = new URL('../../../pki/', import.meta.url);",
      "export const CLI = '../../pki/src/main.ts';",
      "export const CHART = '../../lib/src/chart.ts';",
      '',
    ].join('\n'),
    'packages/app/README.md': [
      '# app: the fixture server',
      '',
      'Run `pnpm --filter app start`, see [serve](../lib/src/serve.ts) and [lib](../lib/README.md).',
      '',
      '```sh',
      'pnpm --filter app start --port 1   # one',
      'pnpm certs --force',
      '```',
      '',
      '```ts',
      "import { createLogger, serve } from 'lib';",
      "import { drawChart } from 'lib'; // not inlined: left as it was",
      "import { missing } from 'lib';",
      "import { helper } from 'app'; // the package itself (package.json exports)",
      '```',
      '',
    ].join('\n'),

    'tools/tool/package.json': json({ name: 'tool', type: 'module', scripts: { start: 'x' } }),
  };
}

/** Writes `files` into a new temporary folder; `cleanup` removes it. */
export function writeFixture(files: Record<string, string> = fixtureFiles()): {
  root: string;
  cleanup: () => void;
} {
  const root = mkdtempSync(join(tmpdir(), 'netlab-starter-fixture-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
