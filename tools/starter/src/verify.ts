/**
 * `pnpm --filter starter verify [package …]`: the proof of issue 15, for CI. For every server
 * package (or the ones named), export it into a temporary folder and run there, with plain npm
 * and the registry: `npm install`; `npm start` until its `listening` line (port 0), SIGTERM to
 * the server process, and `npm start` must exit 0; `npm run lint`, `npm run typecheck`,
 * `npm test`. Prints a table with each step's time; exit 1 if any step failed (the failing
 * step's last log lines are printed, nothing is hidden). Temporary folders are removed
 * (`--keep` keeps them).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, parseFlags, parseListeningLine, runMain } from 'common';
import { exportablePackages, exportPackage } from './export.ts';
import { readWorkspace } from './workspace.ts';

const ROOT = process.env.NETLAB_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));
/**
 * `start` right after `install`: a TLS package must make its dev PKI on first start (the tests
 * would make it too, and hide a first start that fails).
 */
const STEPS = ['export', 'install', 'start', 'lint', 'typecheck', 'test'] as const;
type Step = (typeof STEPS)[number];
/** Each step's limit, in ms: a hung step fails instead of eating the CI budget. */
const TIMEOUT_MS: Record<Step, number> = {
  export: 120_000,
  install: 600_000,
  lint: 300_000,
  typecheck: 300_000,
  test: 900_000,
  start: 120_000,
};
const COMMANDS: Record<Exclude<Step, 'export' | 'start'>, string[]> = {
  install: ['install', '--no-audit', '--no-fund'],
  lint: ['run', 'lint'],
  typecheck: ['run', 'typecheck'],
  test: ['test'],
};

interface Outcome {
  ok: boolean;
  ms: number;
}

/** The environment of the npm children: this one without what pnpm adds for its own scripts. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|INIT_CWD$|NODE_OPTIONS$)/.test(key)) env[key] ??= value;
  }
  return env;
}

/**
 * Runs `npm args` in `cwd`, its output appended to `log`. With `onLine`, each stdout line is
 * passed to it (for `npm start`). Resolves with the exit code, or -1 on timeout (the process
 * group is killed).
 */
function npm(
  args: string[],
  cwd: string,
  log: string,
  timeoutMs: number,
  onLine?: (line: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn('npm', args, {
      cwd,
      env: childEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (onLine === undefined) return;
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop()!;
      lines.forEach(onLine);
    });
    child.stderr.pipe(out, { end: false });
    const timer = setTimeout(() => {
      out.write(`\nverify: timed out after ${timeoutMs} ms, killing the process group\n`);
      process.kill(-child.pid!, 'SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      out.end(() => resolve(code ?? -1));
    });
  });
}

/**
 * `npm start` with `PORT=0`: waits for the `listening` line, sends SIGTERM to the server
 * process (the `pid` of that line; npm itself does not forward signals to its script) and
 * expects `npm start` to exit 0.
 */
async function start(cwd: string, log: string): Promise<boolean> {
  let signalled = false;
  const code = await npm(['start'], cwd, log, TIMEOUT_MS.start, (line) => {
    if (signalled || parseListeningLine(line) === undefined) return;
    signalled = true;
    // TODO(common): parseListeningLine could return the line's pid (pino writes it) too.
    process.kill((JSON.parse(line) as { pid: number }).pid, 'SIGTERM');
  });
  return signalled && code === 0;
}

/**
 * Exports `name` and runs every step (`start` only for a server); stops after a failed export
 * or install, runs the other steps whatever the one before gave.
 */
async function verifyPackage(
  name: string,
  server: boolean,
  keep: boolean,
): Promise<Map<Step, Outcome>> {
  const outcomes = new Map<Step, Outcome>();
  const dir = await mkdtemp(join(tmpdir(), `netlab-starter-${name}-`));
  const project = join(dir, name);
  try {
    for (const step of STEPS) {
      if (step === 'start' && !server) continue;
      const log = join(dir, `${step}.log`);
      const began = performance.now();
      let ok: boolean;
      if (step === 'export') {
        ok = await exportPackage(ROOT, name, project).then(
          ({ notes }) => {
            for (const note of notes) process.stderr.write(`verify: ${name} note: ${note}\n`);
            return true;
          },
          async (err: unknown) => {
            await writeFile(log, (err as Error).stack ?? String(err));
            return false;
          },
        );
      } else if (step === 'start') {
        ok = await start(project, log);
      } else {
        ok = (await npm(COMMANDS[step], project, log, TIMEOUT_MS[step])) === 0;
      }
      outcomes.set(step, { ok, ms: performance.now() - began });
      process.stderr.write(
        `verify: ${name} ${step} ${ok ? 'ok' : 'FAILED'} (${seconds(outcomes.get(step)!.ms)})\n`,
      );
      if (!ok) report(name, step, await readFile(log, 'utf8').catch(() => ''));
      if (!ok && (step === 'export' || step === 'install')) break;
    }
  } finally {
    if (keep) process.stderr.write(`verify: kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
  return outcomes;
}

/** The last 80 lines of a failed step's output, on stderr. */
function report(name: string, step: Step, output: string): void {
  const lines = output.trimEnd().split('\n');
  process.stderr.write(
    `\n--- ${name} ${step} failed; last ${Math.min(80, lines.length)} of ${lines.length} lines:\n` +
      `${lines.slice(-80).join('\n')}\n--- end of ${name} ${step}\n\n`,
  );
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The summary: one row per package, one column per step, `ok 12.3 s` / `FAIL 3.1 s` / `-`. */
function summaryTable(results: ReadonlyMap<string, ReadonlyMap<Step, Outcome>>): string {
  const header = ['package', ...STEPS, 'total'];
  const rows = [...results].map(([name, outcomes]) => {
    const total = [...outcomes.values()].reduce((sum, o) => sum + o.ms, 0);
    const cells = STEPS.map((step) => {
      const o = outcomes.get(step);
      return o === undefined ? '-' : `${o.ok ? 'ok' : 'FAIL'} ${seconds(o.ms)}`;
    });
    return [name, ...cells, seconds(total)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

runMain('verify', async () => {
  const exportable = exportablePackages(readWorkspace(ROOT));
  const servers = exportable.filter((p) => p.manifest.netlab?.server).map((p) => p.name);
  const names = exportable.map((p) => p.name);
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    { keep: { type: 'boolean' } },
    {
      usage:
        `usage: pnpm --filter starter verify [--keep] [package …]\n\n` +
        `Default: every server package (${servers.join(', ')}).\n` +
        `Others that can be named (no start step): ${names.filter((n) => !servers.includes(n)).join(', ')}.\n` +
        '  --keep   keep the temporary folders (their paths are printed)\n',
    },
  );
  const unknown = positionals.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new CliError('ERR_INVALID_ARG_VALUE', `not an exportable package: ${unknown.join(', ')}`);
  }
  const results = new Map<string, Map<Step, Outcome>>();
  const began = performance.now();
  for (const name of positionals.length > 0 ? positionals : servers) {
    results.set(name, await verifyPackage(name, servers.includes(name), values.keep === true));
  }
  process.stdout.write(
    `${summaryTable(results)}\n\nverify: ${seconds(performance.now() - began)} in all\n`,
  );
  const failed = [...results].filter(([, o]) => [...o.values()].some((x) => !x.ok)).map(([n]) => n);
  if (failed.length > 0) {
    process.stderr.write(`verify: FAILED: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
});
