/** The README lines an export adds: where the project came from, and what the export changed. */
import type { BuildAllowlist, Override } from './lockfile.ts';

/** What the README says about an export. */
export interface ExportFacts {
  name: string;
  /** `packages/tcp-server`. */
  relDir: string;
  origin: { commit: string; clean: boolean } | undefined;
  scripts: Readonly<Record<string, string>>;
  /** Inlined modules by workspace package, paths inside `src/lib/<package>/`. */
  inlined: ReadonlyMap<string, string[]>;
  overrides: readonly Override[];
  allowScripts: BuildAllowlist;
  debian: readonly string[];
  node: string | undefined;
  /** CLI scripts carried over from reached library packages. */
  libraryScripts: readonly { name: string; pkg: string; files: string[]; description: string }[];
  /** .gitignore lines added for reached packages' output folders, with their comments. */
  ignored: readonly string[];
}

/** The line under the title: the netlab package and commit this project was exported from. */
export function originLine(facts: ExportFacts): string {
  const commit =
    facts.origin === undefined
      ? 'not from a git checkout'
      : `commit \`${facts.origin.commit}\`${facts.origin.clean ? '' : ', with uncommitted changes'}`;
  return (
    `A standalone copy of netlab's \`${facts.relDir}\` (${commit}), made by ` +
    `\`pnpm starter ${facts.name}\`; see [Standalone project](#standalone-project).`
  );
}

const list = (items: readonly string[]): string => items.map((i) => `\`${i}\``).join(', ');

/** The `## Standalone project` section at the end of the README. */
export function standaloneSection(facts: ExportFacts): string {
  const runs = ['npm install'];
  if (facts.scripts.start !== undefined) runs.push('npm start');
  if (facts.scripts.test !== undefined) runs.push('npm test');
  const others = Object.keys(facts.scripts)
    .filter((s) => s !== 'start' && s !== 'test')
    .map((s) => `npm run ${s}`);
  const lines = [
    '## Standalone project',
    '',
    `This folder is a complete npm project${facts.node === undefined ? '' : ` (Node.js ${facts.node})`}:`,
    '',
    '```sh',
    ...runs,
    '```',
    '',
    `Its other scripts: ${list(others)}.` +
      (facts.scripts.lint === undefined ? '' : ' `npm run lint` is eslint plus prettier --check.') +
      (facts.scripts.bench === undefined ? '' : ' `npm run bench` writes `bench/results/`.'),
    '',
  ];
  if (facts.inlined.size > 0) {
    const parts = [...facts.inlined].map(
      ([pkg, modules]) => `from \`${pkg}\`: ${list([...modules].sort())}`,
    );
    lines.push(
      `- \`src/lib/\` holds the netlab modules this code uses, and no others, with their imports rewritten: ${parts.join('; ')}. ` +
        "The package's files import them as `#lib/<package>/<module>.ts` (`imports` in package.json).",
    );
  }
  lines.push(
    "- package.json pins the versions netlab's pnpm-lock.yaml resolved." +
      facts.overrides
        .map(
          (o) =>
            ` Its \`overrides\` keep \`${o.name}\` at ${o.version}${o.reason === '' ? '.' : `: ${o.reason}`}`,
        )
        .join('') +
      (facts.allowScripts.names.length === 0
        ? ''
        : ` Its \`allowScripts\` lets ${list(facts.allowScripts.names)} run install scripts under npm 11, which blocks them by default${facts.allowScripts.reason === '' ? '.' : `: ${facts.allowScripts.reason}`}`),
  );
  for (const script of facts.libraryScripts) {
    const what = script.description === '' ? '' : ` (${script.description})`;
    lines.push(
      `- \`npm run ${script.name}\` runs ${list(script.files)}: the CLI of netlab's \`${script.pkg}\` package${what}.`,
    );
  }
  const entries = facts.ignored.filter((line) => !line.startsWith('#'));
  if (entries.length > 0) {
    const why = facts.ignored
      .filter((line) => line.startsWith('#'))
      .map((line) => line.slice(1).trim());
    lines.push(
      `- .gitignore keeps ${list(entries)} out of git${why.length === 0 ? '.' : `: ${why.join(' ')}`}`,
    );
  }
  lines.push(
    `- \`.github/workflows/ci.yml\` runs lint, typecheck and the tests on Node.js 20 in Debian ` +
      '(`npm ci` once you commit the package-lock.json that `npm install` writes)' +
      (facts.debian.length === 0
        ? '.'
        : `, with ${list(facts.debian)} for the tests' real clients.`),
  );
  return lines.join('\n');
}
