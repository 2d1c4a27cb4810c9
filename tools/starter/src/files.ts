/** The files of a package that an export copies, and the edits applied to them. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Files an export writes itself from the package's (package.json …): never copied as they are. */
export const GENERATED = new Set([
  'package.json',
  'tsconfig.json',
  'vitest.config.ts',
  'README.md',
]);

/**
 * The package's files, relative to its folder with `/`: the working tree's files that git tracks
 * or would track (so `bench/results/` and `node_modules/` stay out); outside a git repository,
 * every file but `node_modules/`.
 */
export function packageFiles(root: string, dir: string): string[] {
  let listed: string[];
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', relative(root, dir)],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    listed = out
      .split('\0')
      .filter((f) => f !== '')
      .map((f) => relative(dir, join(root, f)));
  } catch {
    listed = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !relative(dir, e.parentPath).split(sep).includes('node_modules'))
      .map((e) => relative(dir, join(e.parentPath, e.name)));
  }
  // A tracked file deleted in the working tree is listed by git but gone: the tree wins.
  const present = listed.filter((f) => existsSync(join(dir, f)));
  return [...new Set(present.map((f) => f.split(sep).join('/')))].sort();
}

/**
 * The commit the workspace is at, and whether `paths` (folders under `root`) have uncommitted
 * changes; undefined outside a git repository.
 */
export function gitOrigin(
  root: string,
  paths: readonly string[],
): { commit: string; clean: boolean } | undefined {
  try {
    const run = (...args: string[]): string =>
      execFileSync('git', args, {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    const commit = run('rev-parse', '--short=12', 'HEAD').trim();
    const status = run(
      'status',
      '--porcelain',
      '--',
      ...paths.map((p) => relative(root, p) || '.'),
    );
    return { commit, clean: status.trim() === '' };
  } catch {
    return undefined;
  }
}
