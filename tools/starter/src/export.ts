/**
 * `exportPackage(root, name, target)`: one workspace package as a standalone npm project. Reads
 * the workspace, analyses the package's imports, and writes into `target` (created; must be
 * empty): the package's files (workspace imports rewritten), the workspace modules it reaches
 * under `src/lib/`, package.json, configs, a CI workflow and the README.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import * as prettier from 'prettier';
import { analyze } from './analyze.ts';
import { originLine, standaloneSection, type ExportFacts } from './appendix.ts';
import {
  ciWorkflow,
  debianPackages,
  eslintConfig,
  gitignore,
  rootFile,
  standaloneTsConfig,
  vitestConfig,
} from './configs.ts';
import { ExportRefusedError } from './errors.ts';
import { applyEdits } from './edits.ts';
import type { Analysis } from './file-analysis.ts';
import { GENERATED, gitOrigin, packageFiles } from './files.ts';
import { inlinedPath, LIB_DIR } from './layout.ts';
import { Lockfile, readBuildAllowlist, readOverrides } from './lockfile.ts';
import { buildManifest, type DependencyUse } from './manifest.ts';
import { replaceBlocks, rewriteReadme, typescriptBlocks } from './readme.ts';
import { binTable, exportedScripts, libraryScripts, rootAliases } from './scripts.ts';
import { isExportable, readWorkspace, type Workspace, type WorkspacePackage } from './workspace.ts';

/** What an export wrote. */
export interface ExportResult {
  target: string;
  /** Every file written, relative to `target`. */
  files: string[];
  /** Inlined modules by workspace package (paths inside `src/lib/<package>/`). */
  inlined: Map<string, string[]>;
  manifest: Record<string, unknown>;
  /** Things the reader should know (a library script not carried over …). */
  notes: string[];
}

/** The exportable packages of a workspace, by name. */
export function exportablePackages(ws: Workspace): WorkspacePackage[] {
  return [...ws.packages.values()].filter(isExportable);
}

/**
 * The package `name` of the workspace at `root`, after the checks that refuse an export.
 *
 * @throws {ExportRefusedError} `ERR_UNKNOWN_PACKAGE`, `ERR_NOT_EXPORTABLE`, `ERR_TARGET_NOT_EMPTY`.
 */
export function checkExport(ws: Workspace, name: string, target: string): WorkspacePackage {
  const names = exportablePackages(ws)
    .map((p) => p.name)
    .join(', ');
  const pkg = ws.packages.get(name);
  if (pkg === undefined) {
    throw new ExportRefusedError(
      'ERR_UNKNOWN_PACKAGE',
      `unknown package ${name} (exportable: ${names})`,
    );
  }
  if (!isExportable(pkg)) {
    throw new ExportRefusedError(
      'ERR_NOT_EXPORTABLE',
      `${name} is not exportable: it is a ${pkg.relDir.startsWith('tools/') ? 'workspace tool' : 'library that starters inline'} (exportable: ${names})`,
    );
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new ExportRefusedError('ERR_TARGET_NOT_EMPTY', `${target} is not empty`);
  }
  return pkg;
}

/** Files reachable from `roots` over value (not type-only) imports. */
function runtimeFiles(analysis: Analysis, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of analysis.edges.get(file) ?? []) {
      if ('file' in edge && !edge.typeOnly) queue.push(edge.file);
    }
  }
  return seen;
}

/**
 * Every npm import of the analysed files, with the workspace package whose lockfile entry gives
 * its version; run-time when a file reachable from `src/` (or a carried CLI script) imports it
 * as a value.
 */
function dependencyUses(
  analysis: Analysis,
  pkg: WorkspacePackage,
  runtimeRoots: readonly string[],
): DependencyUse[] {
  const runtime = runtimeFiles(analysis, runtimeRoots);
  const uses: DependencyUse[] = [];
  for (const [file, edges] of analysis.edges) {
    const from = analysis.inlined.get(file) ?? pkg;
    for (const edge of edges) {
      if (!('npm' in edge)) continue;
      uses.push({ name: edge.npm, from, runtime: runtime.has(file) && !edge.typeOnly });
    }
  }
  return uses;
}

/** A file of the exported project; `format` marks text that prettier formats before writing. */
interface OutputFile {
  content: string | Buffer;
  format: boolean;
}

/** Formats the marked files with the root's prettier options and writes everything. */
async function writeProject(
  ws: Workspace,
  target: string,
  out: ReadonlyMap<string, OutputFile>,
): Promise<void> {
  const options = JSON.parse(rootFile(ws, '.prettierrc.json') ?? '{}') as prettier.Options;
  for (const [path, { content, format }] of out) {
    let data = content;
    if (format && typeof content === 'string' && /\.(ts|js|json|md|ya?ml)$/.test(path)) {
      data = await prettier.format(content, { ...options, filepath: path });
    }
    const file = join(target, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, data);
  }
}

/** Writes `name` as a standalone project into `target`. See the module comment. */
export async function exportPackage(
  rootPath: string,
  name: string,
  target: string,
): Promise<ExportResult> {
  const ws = readWorkspace(rootPath);
  const root = ws.root;
  const pkg = checkExport(ws, name, target);
  const own = packageFiles(root, pkg.dir);
  const ownTs = own.filter((f) => f.endsWith('.ts')).map((f) => join(pkg.dir, f));
  // A package without a README still gets one: its title, description, origin and appendix.
  const readmeText = own.includes('README.md')
    ? readFileSync(join(pkg.dir, 'README.md'), 'utf8')
    : `# ${pkg.name}\n\n${pkg.manifest.description ?? ''}\n`;
  const blocks = typescriptBlocks(readmeText);
  const snippet = (i: number): string => join(pkg.dir, `README.md.snippet-${i}.ts`);
  const analysis = analyze(
    ws,
    pkg,
    ownTs,
    (p) => libraryScripts(p).flatMap((s) => s.files),
    new Map(blocks.map((b, i) => [snippet(i), b.code])),
  );
  const reached = [...new Set(analysis.inlined.values())];
  const { scripts, carried, notes } = exportedScripts(ws, pkg, reached);

  const tsconfig = standaloneTsConfig(pkg);
  const eslint = eslintConfig(ws);
  const {
    json: manifest,
    overrides,
    allowScripts,
  } = buildManifest({
    ws,
    pkg,
    lock: Lockfile.read(root),
    overrides: readOverrides(root),
    allowlist: readBuildAllowlist(root),
    uses: dependencyUses(analysis, pkg, [
      ...ownTs.filter((f) => relative(pkg.dir, f).startsWith(`src${sep}`)),
      ...carried.flatMap((c) => c.files),
    ]),
    scripts,
    bins: binTable(ws, pkg),
    configPackages: eslint.packages,
    types: (tsconfig.compilerOptions?.types as string[] | undefined) ?? [],
    inlined: analysis.inlined.size > 0,
  });

  // The package's own files, then the inlined modules and their assets.
  const out = new Map<string, OutputFile>();
  const text = (file: string): string =>
    applyEdits(readFileSync(file, 'utf8'), analysis.edits.get(file) ?? []);
  for (const file of own) {
    if (GENERATED.has(file)) continue;
    const abs = join(pkg.dir, file);
    const edited = analysis.edits.has(abs);
    out.set(file, { content: edited ? text(abs) : readFileSync(abs), format: edited });
  }
  const inlined = new Map<string, string[]>();
  const inlinedPaths = new Map<string, string>();
  for (const [file, owner] of analysis.inlined) {
    const path = inlinedPath(owner, file);
    inlinedPaths.set(file, path);
    out.set(path, { content: text(file), format: analysis.edits.has(file) });
    const modules = inlined.get(owner.name) ?? [];
    inlined.set(owner.name, [...modules, path.slice(`${LIB_DIR}${owner.name}/`.length)]);
  }
  for (const [file, owner] of analysis.assets) {
    out.set(inlinedPath(owner, file), { content: readFileSync(file), format: false });
  }

  // The generated files.
  const debian = debianPackages([...out.values()].map(({ content }) => content.toString()));
  const ignore = gitignore(
    ws,
    reached,
    own.some((f) => f.startsWith('bench/')),
  );
  const generated: [string, string][] = [
    ['package.json', JSON.stringify(manifest, null, 2)],
    ['tsconfig.json', JSON.stringify(tsconfig, null, 2)],
    ['eslint.config.js', eslint.text],
    ['.gitignore', ignore.text],
    ['.prettierignore', 'package-lock.json\n'],
    ['.github/workflows/ci.yml', ciWorkflow(debian)],
  ];
  if (own.includes('vitest.config.ts')) {
    generated.push(['vitest.config.ts', vitestConfig(text(join(pkg.dir, 'vitest.config.ts')))]);
  }
  for (const file of ['.prettierrc.json', '.npmrc']) {
    const content = rootFile(ws, file);
    if (content !== undefined) generated.push([file, content]);
  }
  const facts: ExportFacts = {
    name: pkg.name,
    relDir: pkg.relDir,
    origin: gitOrigin(root, [pkg.dir, ...reached.map((p) => p.dir)]),
    scripts,
    inlined,
    overrides,
    allowScripts,
    debian,
    node: (manifest.engines as Record<string, string> | undefined)?.node,
    libraryScripts: carried.map((c) => ({
      name: c.name,
      pkg: c.pkg.name,
      files: c.files.map((f) => inlinedPath(c.pkg, f)),
      description: c.pkg.manifest.description ?? '',
    })),
    ignored: ignore.outputs,
  };
  // Snippets first (their offsets are the original README's), then commands and links.
  const codes = blocks.map((b, i) => applyEdits(b.code, analysis.edits.get(snippet(i)) ?? []));
  const readme = rewriteReadme(
    replaceBlocks(readmeText, blocks, codes),
    {
      root,
      dir: pkg.dir,
      name: pkg.name,
      scripts,
      aliases: rootAliases(ws, scripts),
      inlined: inlinedPaths,
      libraries: new Map(reached.map((p) => [p.dir, `${LIB_DIR}${p.name}/`])),
    },
    originLine(facts),
    standaloneSection(facts),
  );
  generated.push(['README.md', readme]);
  for (const [path, content] of generated) out.set(path, { content, format: true });
  await writeProject(ws, target, out);
  return {
    target,
    files: [...out.keys()].sort(),
    inlined,
    manifest,
    notes: [...analysis.notes, ...notes],
  };
}
