/**
 * The configuration files of an exported project, each equivalent to what the workspace root
 * gives the package: tsconfig (the base config merged in), eslint and prettier (the root's,
 * with `packages/*\/` patterns made local), vitest (the package's `defineProject` as a
 * standalone `defineConfig`), .gitignore, .npmrc and a CI workflow.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { WorkspaceError } from './errors.ts';
import type { Workspace, WorkspacePackage } from './workspace.ts';

interface TsConfig {
  extends?: string | string[];
  compilerOptions?: Record<string, unknown>;
  include?: string[];
  exclude?: string[];
}

function readTsConfig(file: string): TsConfig {
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error !== undefined) {
    throw new WorkspaceError(
      'ERR_WORKSPACE',
      `${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`,
    );
  }
  return config as TsConfig;
}

/** The package's tsconfig.json with every `extends` merged in: one standalone file. */
export function standaloneTsConfig(pkg: WorkspacePackage): TsConfig {
  const merge = (file: string): TsConfig => {
    const config = readTsConfig(file);
    const parents = config.extends === undefined ? [] : [config.extends].flat();
    let compilerOptions: Record<string, unknown> = {};
    for (const parent of parents) {
      compilerOptions = {
        ...compilerOptions,
        ...merge(resolve(dirname(file), parent)).compilerOptions,
      };
    }
    return {
      ...config,
      extends: undefined,
      compilerOptions: { ...compilerOptions, ...config.compilerOptions },
    };
  };
  const merged = merge(join(pkg.dir, 'tsconfig.json'));
  const out: TsConfig = { compilerOptions: merged.compilerOptions, include: merged.include };
  if (merged.exclude !== undefined) out.exclude = merged.exclude;
  return out;
}

/** The root's `eslint.config.js` with `packages/*\/` globs made local to the project. */
export function eslintConfig(ws: Workspace): { text: string; packages: string[] } {
  const text = readFileSync(join(ws.root, 'eslint.config.js'), 'utf8').replaceAll(
    'packages/*/',
    '',
  );
  const packages = [...text.matchAll(/^import\b[^;]*?from\s*'([^'.][^']*)'/gm)].map((m) =>
    m[1]!.startsWith('@') ? m[1]!.split('/').slice(0, 2).join('/') : m[1]!.split('/')[0]!,
  );
  return { text, packages };
}

/** The package's vitest config as a standalone one (`defineProject` → `defineConfig`). */
export function vitestConfig(text: string): string {
  return text.replaceAll('defineProject', 'defineConfig');
}

/** A file of the workspace root, if present (`.prettierrc.json`, `.npmrc`). */
export function rootFile(ws: Workspace, name: string): string | undefined {
  const file = join(ws.root, name);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * .gitignore: installs, coverage and logs; `bench/results/` when there is a bench; and every
 * root entry for a top-level folder named after a reached workspace package (`certs/*`: the dev
 * PKI's private keys), with the comment above it.
 */
export function gitignore(
  ws: Workspace,
  reached: Iterable<WorkspacePackage>,
  hasBench: boolean,
): { text: string; outputs: string[] } {
  const base = ['node_modules/', 'coverage/', '*.log'];
  if (hasBench) base.push('# Per-run benchmark results.', 'bench/results/');
  const lines: string[] = [];
  const root = (rootFile(ws, '.gitignore') ?? '').split('\n');
  for (const pkg of reached) {
    root.forEach((line, i) => {
      if (!line.startsWith(`${pkg.name}/`)) return; // `!certs/README.md`: no such file here
      const comment = root[i - 1]?.startsWith('#')
        ? root[i - 1]!.replace(/\s*\(see [^)]*\)/, '')
        : '';
      if (comment !== '' && !lines.includes(comment)) lines.push(comment);
      lines.push(line);
    });
  }
  return { text: `${[...base, ...lines].join('\n')}\n`, outputs: lines };
}

/** Debian packages the tests run as real clients, by the command string a test spawns. */
const DEBIAN_TOOLS: readonly [string, string][] = [
  ['nc', 'netcat-openbsd'],
  ['openssl', 'openssl'],
  ['curl', 'curl'],
  ['socat', 'socat'],
  ['/usr/lib/chromium/chromium', 'chromium'],
  ['redis-server', 'redis-server'],
];

/** The Debian packages whose commands appear as string literals (`spawn('nc', …)`) in `texts`. */
export function debianPackages(texts: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const [command, pkg] of DEBIAN_TOOLS) {
      if (text.includes(`'${command}'`) || text.includes(`"${command}"`)) found.add(pkg);
    }
  }
  return [...found].sort();
}

/**
 * `.github/workflows/ci.yml`: Node 20 in a Debian container (the tests drive Debian's tools, as
 * netlab's own CI does), `npm ci` (or `npm install` before a lockfile is committed), lint,
 * typecheck, test.
 */
export function ciWorkflow(debian: readonly string[]): string {
  const apt =
    debian.length === 0
      ? []
      : [
          '      - name: Debian packages the tests run',
          `        run: apt-get update -qq && apt-get install -y -qq ${debian.join(' ')}`,
        ];
  return [
    'name: ci',
    'on: [push, pull_request]',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    # Debian with Node.js 20, the oldest Node this project supports (package.json engines).',
    '    container: node:20-bookworm',
    '    env:',
    "      CI: 'true'",
    "      NO_COLOR: '1'",
    '    steps:',
    '      - uses: actions/checkout@v5',
    ...apt,
    '      - name: Install',
    '        run: if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi',
    '      - run: npm run lint',
    '      - run: npm run typecheck',
    '      - run: npm test',
    '',
  ].join('\n');
}
