/**
 * The buffer-demo CLI, the only place that reads argv:
 * - `main.ts` (no argument): the list of demos, one per line;
 * - `main.ts <demo> [--json] [--out DIR] [flags]`: run one (`--help` for its flags);
 * - `main.ts static-content-server [--trace]`: the static-content demo's child server (not
 *   listed; the demo starts it).
 * A bad flag or an unknown demo exits 2 naming it; Ctrl-C stops a demo, which removes its
 * temporary files and child processes, and exits 130.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError, HelpRequested, parseFlags, rejectPositionals, runMain } from 'common';
import { pinSelf } from 'common/bench';
import { DEMOS, type DemoCommand } from './commands.ts';
import { DEFAULT_OUT_DIR_NAME } from './constants.ts';
import { runStaticContentChild } from './demos/static-content/server.ts';
import { createProgress } from './progress.ts';

const NAME = 'buffer-demo';
const CHILD_COMMAND = 'static-content-server';
/** Exit status after Ctrl-C (128 + SIGINT), the shell's convention. */
const EXIT_INTERRUPTED = 130;

const COMMON_FLAGS = {
  json: { type: 'boolean' },
  out: { type: 'string' },
} as const;

function listing(): string {
  const width = Math.max(...DEMOS.map((d) => d.name.length));
  return [
    'usage: pnpm --filter buffer-demo dev -- <demo> [--json] [--out DIR] [--help]',
    '',
    'Chapter 6 (理解Buffer) of 深入浅出Node.js, one runnable demo per claim:',
    ...DEMOS.map((d) => `  ${d.name.padEnd(width)}  ${d.section.padEnd(7)} ${d.summary}`),
    '',
  ].join('\n');
}

function usage(demo: DemoCommand): string {
  return [
    `usage: pnpm --filter buffer-demo dev -- ${demo.name} [options]`,
    '',
    `${demo.section} ${demo.summary}`,
    '  --json                   one JSON object on stdout (fields: see README)',
    `  --out DIR                where charts go (default ${join(tmpdir(), DEFAULT_OUT_DIR_NAME)})`,
    ...(demo.help === '' ? [] : [demo.help]),
    '  -h, --help               this text',
  ].join('\n');
}

async function runDemo(demo: DemoCommand, argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    argv,
    { ...COMMON_FLAGS, ...demo.flags },
    { usage: usage(demo) },
  );
  rejectPositionals(positionals);
  const v = values as Record<string, unknown>;
  if (v.out === '') throw new CliError('ERR_INVALID_ARG_VALUE', '--out must not be empty');
  const outDir = resolve(typeof v.out === 'string' ? v.out : join(tmpdir(), DEFAULT_OUT_DIR_NAME));
  const json = v.json === true;
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED); // second Ctrl-C: now
    process.stderr.write(`${NAME}: interrupted, cleaning up (Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const pin = demo.name === 'static-content' && pinSelf(1);
    const output = await demo.run(v, {
      signal: controller.signal,
      quick: v.quick === true,
      pin,
      progress: (label) => createProgress(label, process.stderr.isTTY === true),
    });
    const charts = await output.charts();
    const paths: string[] = [];
    if (charts.length > 0) await mkdir(outDir, { recursive: true });
    for (const chart of charts) {
      const path = join(outDir, chart.file);
      await writeFile(path, chart.svg);
      paths.push(path);
    }
    if (json) {
      const object = { demo: demo.name, node: process.version, ...output.data, charts: paths };
      process.stdout.write(`${JSON.stringify(object)}\n`);
    } else {
      const written = paths.map((p) => `chart: ${p}`).join('\n');
      process.stdout.write(`${output.text}\n${written === '' ? '' : `\n${written}\n`}`);
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
    process.exitCode = EXIT_INTERRUPTED;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

runMain(NAME, async () => {
  const all = process.argv.slice(2);
  const argv = all[0] === '--' ? all.slice(1) : all;
  const [command, ...rest] = argv;
  if (command === undefined) return void process.stdout.write(listing());
  if (command === '-h' || command === '--help') throw new HelpRequested(listing());
  if (command === CHILD_COMMAND) {
    const { values, positionals } = parseFlags(rest, { trace: { type: 'boolean' } });
    rejectPositionals(positionals);
    return runStaticContentChild({ trace: values.trace === true });
  }
  const demo = DEMOS.find((d) => d.name === command);
  if (demo === undefined) {
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `unknown demo '${command}' (one of ${DEMOS.map((d) => d.name).join(', ')}; no argument lists them)`,
    );
  }
  await runDemo(demo, rest);
});
