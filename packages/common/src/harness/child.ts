/**
 * A package's `main.ts` as a child process: {@link spawnMain} (start it), {@link startMain}
 * (start a server and wait for its `listening` line), {@link execMain} (run a CLI to its exit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseListeningLine } from '../listening.ts';
import { LineCollector } from './line-collector.ts';
import { DEFAULT_WAIT_MS, withTimeout } from './wait.ts';

/**
 * Default wait for a `main.ts` child to start listening or to exit, in ms: tsx compiles on the
 * fly, and a loaded 2-core CI machine has been seen to need more than 15 s.
 */
export const START_TIMEOUT_MS = 30_000;

/** The `tsx` loader, resolved from this package, for `node --import`. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface MainProcess {
  child: ChildProcess;
  stdout: LineCollector;
  stderr: LineCollector;
  /** Resolves with the exit code (or the signal name) once the process exited. */
  exited: Promise<number | NodeJS.Signals>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code or signal. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | NodeJS.Signals>;
}

export interface SpawnMainOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Command put in front of `node`, e.g. `pinnedCommand(0)` from common/bench (`taskset -c 0`). */
  prefix?: readonly string[];
  /** Flags for `node` itself, e.g. `['--expose-gc']`. */
  nodeArgs?: readonly string[];
  /** Load TypeScript through tsx (default true); false runs plain `node` (a `.mjs` baseline). */
  tsx?: boolean;
}

/**
 * Spawns a TypeScript entry point (`src/main.ts`) as `[prefix…] node [nodeArgs…] --import tsx
 * main.ts …args` with JSON logs (stdout is a pipe). Stops it with SIGKILL if still running at {@link MainProcess.stop}.
 */
export function spawnMain(
  mainPath: string,
  args: readonly string[],
  opts: SpawnMainOptions = {},
): MainProcess {
  const argv = [
    ...(opts.prefix ?? []),
    process.execPath,
    ...(opts.nodeArgs ?? []),
    ...(opts.tsx === false ? [] : ['--import', TSX_LOADER]),
    mainPath,
    ...args,
  ];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout = new LineCollector(child.stdout!);
  const stderr = new LineCollector(child.stderr!);
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL')),
  );
  return {
    child,
    stdout,
    stderr,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = DEFAULT_WAIT_MS) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      try {
        return await withTimeout(exited, timeoutMs, `${mainPath} to exit after ${signal}`);
      } catch (err) {
        child.kill('SIGKILL');
        throw err;
      }
    },
  };
}

export interface ListeningMain extends MainProcess {
  /** The bound address from the `listening` line, e.g. `127.0.0.1:41234`. */
  address: string;
  port: number;
}

/**
 * {@link spawnMain} and wait for its one `listening` log line; `--port 0` is added unless
 * `args` has a `--port`. Rejects with the process's stderr if it exits first, and kills it if
 * the line does not come within `timeoutMs` (the line is logged at `info`).
 */
export async function startMain(
  mainPath: string,
  args: readonly string[] = [],
  opts: SpawnMainOptions & { timeoutMs?: number } = {},
): Promise<ListeningMain> {
  const fullArgs = args.includes('--port') ? args : [...args, '--port', '0'];
  const proc = spawnMain(mainPath, fullArgs, opts);
  let line: string;
  try {
    line = await Promise.race([
      proc.stdout.waitFor(
        (l) => parseListeningLine(l) !== undefined,
        opts.timeoutMs ?? START_TIMEOUT_MS,
      ),
      proc.exited.then((code) => {
        throw new Error(
          `${mainPath} exited (${code}) before listening:\n${proc.stderr.text}\n${proc.stdout.text}`,
        );
      }),
    ]);
  } catch (err) {
    // No listening line in time (a wrong flag, a --log-level above info): the caller gets no
    // process to stop, so do not leave one running.
    proc.child.kill('SIGKILL');
    await withTimeout(proc.exited, DEFAULT_WAIT_MS, `${mainPath} to exit after SIGKILL`);
    throw err;
  }
  const { address } = parseListeningLine(line)!;
  const port = Number(/:(\d+)$/.exec(address)?.[1] ?? 0);
  return { ...proc, address, port };
}

/**
 * Runs a TypeScript entry point to completion and collects its output, like
 * `child_process.execFile`: for CLIs and bad-flag tests. Kills it after `timeoutMs`.
 */
export async function execMain(
  mainPath: string,
  args: readonly string[],
  opts: SpawnMainOptions & { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<{
  code: number | NodeJS.Signals;
  /** stdout lines joined with `\n` (no final newline); `stdoutRaw` is byte-exact text. */
  stdout: string;
  stdoutRaw: string;
  stderr: string;
}> {
  const proc = spawnMain(mainPath, args, opts);
  // 'close' comes after 'exit' once stdout and stderr are drained: all output is collected.
  const closed = once(proc.child, 'close');
  proc.child.stdin!.end(opts.input ?? '');
  let code: number | NodeJS.Signals;
  try {
    code = await withTimeout(
      proc.exited,
      opts.timeoutMs ?? START_TIMEOUT_MS,
      `${mainPath} to exit`,
    );
    await withTimeout(closed, DEFAULT_WAIT_MS, `${mainPath}'s output to close`);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  return { code, stdout: proc.stdout.text, stdoutRaw: proc.stdout.raw, stderr: proc.stderr.text };
}
