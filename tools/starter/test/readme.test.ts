/** README rewriting: commands, links, the origin line and the appendix's place. */
import { describe, expect, it } from 'vitest';
import { rewriteCommandLine, rewriteReadme, type ReadmeContext } from '../src/readme.ts';

const ctx: ReadmeContext = {
  root: '/ws',
  dir: '/ws/packages/tcp-server',
  name: 'tcp-server',
  scripts: { start: 'x', dev: 'x', client: 'x', test: 'x', sticky: 'x', certs: 'x' },
  aliases: new Map([['certs', 'certs']]),
  inlined: new Map([['/ws/packages/common/src/chunk-queue.ts', 'src/lib/common/chunk-queue.ts']]),
  libraries: new Map([['/ws/packages/common', 'src/lib/common/']]),
};
const line = (text: string): string => rewriteCommandLine(text, ctx);
/** One paragraph of a README (under a title, so the origin line goes above it). */
const body = (text: string): string =>
  rewriteReadme(`# t\n\n${text}`, ctx, 'ORIGIN', '## Appendix').split('\n')[4]!;

describe('commands', () => {
  it.each([
    ['pnpm --filter tcp-server dev', 'npm run dev'],
    ['pnpm --filter tcp-server start', 'npm start'],
    ['pnpm --filter tcp-server test', 'npm test'],
    ['pnpm --silent --filter tcp-server client -- --port 1', 'npm --silent run client -- --port 1'],
    [
      'printf x | pnpm --filter tcp-server client -- --framing line',
      'printf x | npm run client -- --framing line',
    ],
    ['`pnpm --filter tcp-server sticky` runs it', '`npm run sticky` runs it'],
    ['`pnpm vitest run --project tcp-server` (~20 s)', '`npx vitest run` (~20 s)'],
    ['pnpm install', 'npm install'],
    ['pnpm certs', 'npm run certs'],
  ])('%s → %s', (before, after) => expect(line(before)).toBe(after));

  it('adds the `--` npm needs before flags meant for the script, once', () => {
    expect(line('pnpm --filter tcp-server start --path /tmp/s')).toBe('npm start -- --path /tmp/s');
    expect(line('pnpm certs --force')).toBe('npm run certs -- --force');
    expect(line('pnpm --filter tcp-server start -- --path /tmp/s')).toBe(
      'npm start -- --path /tmp/s',
    );
  });

  it('keeps the column of a trailing comment', () => {
    expect(line('pnpm --filter tcp-server start        # or: -- --framing line')).toBe(
      'npm start                             # or: -- --framing line',
    );
  });

  it("leaves other packages' and the whole repository's commands alone", () => {
    expect(line('pnpm --filter ws-server dev')).toBe('pnpm --filter ws-server dev');
    expect(line('`pnpm start` runs every server')).toBe('`pnpm start` runs every server');
    expect(line('pnpm --filter tcp-server exec ls')).toBe('pnpm --filter tcp-server exec ls');
    expect(line('`pnpm vitest run --project ws-server`')).toBe(
      '`pnpm vitest run --project ws-server`',
    );
  });

  it("drops the package's own folder from repository paths", () => {
    expect(line('see `packages/tcp-server/src/server.ts`')).toBe('see `src/server.ts`');
  });
});

describe('links', () => {
  it('keeps links into the package and to the web', () => {
    const text = '[a](src/a.ts) [b](#tests) [c](https://nodejs.org/api/net.html) ![d](bench/d.svg)';
    expect(body(text)).toBe(text);
  });

  it('points links to inlined modules (and their packages) at src/lib/', () => {
    expect(body('in [`common/src/chunk-queue.ts`](../common/src/chunk-queue.ts#L3)')).toBe(
      'in [`src/lib/common/chunk-queue.ts`](src/lib/common/chunk-queue.ts#L3)',
    );
    expect(body('the [queue](../common/src/chunk-queue.ts)')).toBe(
      'the [queue](src/lib/common/chunk-queue.ts)',
    );
    expect(body('see [packages/common](../common)')).toBe('see [src/lib/common/](src/lib/common/)');
  });

  it('turns links elsewhere in netlab into the netlab path, as text', () => {
    expect(body('[bench/REPORT.md](../../bench/REPORT.md)')).toBe("netlab's `bench/REPORT.md`");
    expect(body('see [common](../common/README.md)')).toBe(
      "see common (netlab's `packages/common/README.md`)",
    );
    expect(body('[ws-server](../ws-server/)')).toBe("netlab's `packages/ws-server/`");
    expect(body('[ws](../ws-server/)')).toBe("ws (netlab's `packages/ws-server/`)");
  });

  it('rewrites commands but not links inside fenced code', () => {
    const text = '```md\n[x](../common/README.md)\npnpm --filter tcp-server dev\n```';
    expect(rewriteReadme(text, ctx, 'O', '## A')).toContain(
      '[x](../common/README.md)\nnpm run dev\n',
    );
  });
});

describe('the whole README', () => {
  it('puts the origin under the title and the appendix at the end', () => {
    expect(
      rewriteReadme('# title\n\ntext\n', ctx, 'from netlab', '## Standalone project\n\nx'),
    ).toBe('# title\n\n> from netlab\n\ntext\n\n## Standalone project\n\nx\n');
  });
});
