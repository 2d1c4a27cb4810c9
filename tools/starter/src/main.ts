/**
 * `pnpm starter <package> <dir>`: writes a netlab package into `dir` as a standalone npm project
 * (issue 15). The only file of the tool that reads argv and env.
 *
 * Exit codes (common's `runMain`): 0 done (or `--help`); 2 a refused export, one line (an
 * unknown package, a package that is not exportable, a target folder that is not empty, a bad
 * flag); 1 a workspace the export cannot be made from (an import that does not resolve …).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, parseFlags, runMain } from 'common';
import { ExportRefusedError, WorkspaceError } from './errors.ts';
import { exportablePackages, exportPackage } from './export.ts';
import { readWorkspace } from './workspace.ts';

const NAME = 'starter';
/** The workspace to export from; `NETLAB_ROOT` overrides it (tests use fixture workspaces). */
const ROOT = process.env.NETLAB_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));

function usage(): string {
  const packages = exportablePackages(readWorkspace(ROOT));
  const width = Math.max(...packages.map((p) => p.name.length)) + 2;
  const rows = packages.map((p) => {
    const { server, cli } = p.manifest.netlab ?? {};
    const [kind, label] = server ? ['server', server.label] : ['demos', cli?.label ?? ''];
    return `  ${p.name.padEnd(width)}${kind.padEnd(8)}${label}`;
  });
  return `usage: pnpm starter <package> <dir>

Writes <package> into <dir> (created; it must be empty or absent) as a standalone npm project:
its src/, test/, bench/ and README, the parts of netlab's other packages it uses inlined under
src/lib/, package.json with the lockfile's versions, tsconfig, eslint, prettier and vitest
configs, and a CI workflow. Then: cd <dir> && npm install && npm test && npm start

Exportable packages:
${rows.join('\n')}
`;
}

runMain(
  NAME,
  async () => {
    const { positionals } = parseFlags(process.argv.slice(2), {}, { usage: usage() });
    if (positionals.length !== 2) {
      throw new CliError(
        positionals.length < 2 ? 'ERR_MISSING_ARGS' : 'ERR_INVALID_ARG_VALUE',
        'expected two arguments, <package> <dir> (see --help)',
      );
    }
    const [name, dir] = positionals as [string, string];
    // pnpm runs root scripts in the workspace root; INIT_CWD is where the user typed the command.
    const target = resolve(process.env.INIT_CWD ?? process.cwd(), dir);
    let result;
    try {
      result = await exportPackage(ROOT, name, target);
    } catch (err) {
      if (!(err instanceof WorkspaceError)) throw err;
      process.stderr.write(`${NAME}: ${err.code}: ${err.message}\n`); // the workspace's problem: 1
      process.exitCode = 1;
      return;
    }
    const fromLib = result.files.filter((f) => f.startsWith('src/lib/')).length;
    process.stdout.write(
      `exported ${name} to ${target}: ${result.files.length} files, ${fromLib} of them inlined from ` +
        `${[...result.inlined.keys()].join(', ') || 'nothing'} under src/lib/\n` +
        result.notes.map((note) => `note: ${note}\n`).join('') +
        `next: cd ${dir} && npm install && npm test && npm start\n`,
    );
  },
  { usageErrors: [ExportRefusedError] },
);
