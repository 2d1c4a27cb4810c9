/**
 * A package README rewritten to read right in the exported project: workspace commands become
 * npm commands (`pnpm --filter x dev` → `npm run dev`), links into the package stay, links to
 * inlined modules point at `src/lib/…`, links elsewhere in netlab become the netlab path as
 * text; a line under the title says where the project came from, and a last section says what
 * the export changed.
 */
import { relative, resolve, sep } from 'node:path';

/** What {@link rewriteReadme} needs to know about the export. */
export interface ReadmeContext {
  /** The workspace root and the package's folder (absolute). */
  root: string;
  dir: string;
  name: string;
  /** The exported package.json's scripts. */
  scripts: Readonly<Record<string, string>>;
  /** Root script → exported script, for `pnpm certs` → `npm run certs`. */
  aliases: ReadonlyMap<string, string>;
  /** Inlined workspace file (absolute) → its path in the project. */
  inlined: ReadonlyMap<string, string>;
  /** Folder (absolute) of each workspace package with inlined modules → `src/lib/<package>/`. */
  libraries: ReadonlyMap<string, string>;
}

const posix = (path: string): string => path.split(sep).join('/');

/** `npm start`, `npm test`, `npm run x`; `--silent` kept. */
function npmScript(script: string, silent: boolean): string {
  const flag = silent ? ' --silent' : '';
  return script === 'start' || script === 'test'
    ? `npm${flag} ${script}`
    : `npm${flag} run ${script}`;
}

/**
 * One line with its workspace commands rewritten. Flags right after a rewritten command get the
 * `--` that npm needs before a script's own flags, and a `# comment` keeps its column.
 */
export function rewriteCommandLine(line: string, ctx: ReadmeContext): string {
  const withDashes = (replacement: string, rest: string): string =>
    /^ -/.test(rest) && !/^ --(\s|$)/.test(rest) ? `${replacement} --` : replacement;
  let out = line.replace(/pnpm vitest run --project ([\w@/.-]+)/g, (all, name: string) =>
    name === ctx.name ? 'npx vitest run' : all,
  );
  out = out.replace(
    /pnpm( --silent)? --filter ([\w@/.-]+) ([\w:-]+)/g,
    (
      all,
      silent: string | undefined,
      name: string,
      script: string,
      offset: number,
      whole: string,
    ) => {
      if (name !== ctx.name || ctx.scripts[script] === undefined) return all;
      return withDashes(npmScript(script, silent !== undefined), whole.slice(offset + all.length));
    },
  );
  out = out.replace(
    /\bpnpm( --silent)? ([\w:-]+)/g,
    (all, silent: string | undefined, script: string, offset: number, whole: string) => {
      if (script === 'install') return 'npm install';
      const target = ctx.aliases.get(script);
      if (target === undefined) return all;
      return withDashes(npmScript(target, silent !== undefined), whole.slice(offset + all.length));
    },
  );
  out = out.replaceAll(`packages/${ctx.name}/`, '');
  if (out === line) return out;
  const comment = /^(.*?\S)(\s{2,})(#.*)$/;
  const [before, after] = [comment.exec(line), comment.exec(out)];
  if (before !== null && after !== null && before[3] === after[3]) {
    const column = before[1]!.length + before[2]!.length;
    out = `${after[1]}${' '.repeat(Math.max(2, column - after[1]!.length))}${after[3]}`;
  }
  return out;
}

/** A link target rewritten for the project, or the text that replaces the whole link. */
function rewriteLink(label: string, target: string, ctx: ReadmeContext): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return undefined;
  const hash = target.indexOf('#');
  const [path, fragment] = hash === -1 ? [target, ''] : [target.slice(0, hash), target.slice(hash)];
  const file = resolve(ctx.dir, path);
  if (file === ctx.dir || file.startsWith(ctx.dir + sep)) return undefined;
  const repoPath = posix(relative(ctx.root, file)) + (path.endsWith('/') ? '/' : '');
  const bare = label.replaceAll('`', '');
  const inlined = ctx.inlined.get(file) ?? ctx.libraries.get(file);
  if (inlined !== undefined) {
    // A label that is a path (`common/src/chunk-queue.ts`, `packages/certs`) shows the new one.
    const shown = /^[\w./@-]+\/[\w./@-]*$/.test(bare) ? label.replace(bare, inlined) : label;
    return `[${shown}](${inlined}${fragment})`;
  }
  const named =
    bare !== '' && (repoPath.endsWith(bare) || repoPath.replace(/\/$/, '').endsWith(bare));
  return named ? `netlab's \`${repoPath}\`` : `${label} (netlab's \`${repoPath}\`)`;
}

/** Links rewritten outside fenced code blocks; commands rewritten everywhere. */
function rewriteBody(text: string, ctx: ReadmeContext): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      const commands = rewriteCommandLine(line, ctx);
      if (fenced) return commands;
      return commands.replace(
        /(!?)\[([^\]]*)\]\(([^)\s]+)\)/g,
        (all, bang: string, label: string, target: string) => {
          const rewritten = rewriteLink(label, target, ctx);
          return rewritten === undefined ? all : `${bang}${rewritten}`;
        },
      );
    })
    .join('\n');
}

/**
 * The README for the exported project: `text` with commands and links rewritten, `origin` as a
 * quoted line under the first `# ` title, and `appendix` (a `## ` section) at the end.
 */
export function rewriteReadme(
  text: string,
  ctx: ReadmeContext,
  origin: string,
  appendix: string,
): string {
  const body = rewriteBody(text, ctx).trimEnd();
  const lines = body.split('\n');
  const title = lines.findIndex((line) => line.startsWith('# '));
  const quote = `> ${origin}`;
  if (title === -1) lines.unshift(quote, '');
  else lines.splice(title + 1, 0, '', quote);
  return `${lines.join('\n')}\n\n${appendix.trim()}\n`;
}

/** A fenced TypeScript block of a README: its code and where the code lies in the text. */
export interface CodeBlock {
  start: number;
  end: number;
  code: string;
}

/** The ```ts / ```typescript blocks of `text`. */
export function typescriptBlocks(text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const fence = /^(```|~~~)(ts|typescript)[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;
  for (const match of text.matchAll(fence)) {
    const start = match.index + match[0].indexOf('\n') + 1;
    blocks.push({ start, end: start + match[3]!.length, code: match[3]! });
  }
  return blocks;
}

/** `text` with each block's code replaced by `codes[i]`. */
export function replaceBlocks(
  text: string,
  blocks: readonly CodeBlock[],
  codes: readonly string[],
): string {
  let out = text;
  for (let i = blocks.length - 1; i >= 0; i--) {
    out = out.slice(0, blocks[i]!.start) + codes[i]! + out.slice(blocks[i]!.end);
  }
  return out;
}
