/**
 * Runs one experiment in a child process with explicit V8 flags, so its numbers depend on the
 * flags and not on the CLI's own heap, and collects what it reports on fd 3. Every run has a
 * timeout; a timed-out or aborted child is killed with SIGKILL before the promise settles.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MAX_CHILD_MESSAGE_BYTES } from '../constants.ts';
import { ChildProcessError } from '../errors.ts';
import { parseChildMessage } from './protocol.ts';

/** The tsx loader, resolved from this package, for `node --import`. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** The experiment's name (see `entry.ts`). */
  experiment: string;
  /** Its parameters, passed as JSON on the command line. */
  params: object;
  /** V8/Node flags, e.g. `['--max-old-space-size=64', '--expose-gc']`. */
  nodeFlags: readonly string[];
  /** Kill the child (SIGKILL) after this many ms; the run rejects with `ERR_CHILD_TIMEOUT`. */
  timeoutMs: number;
  /** Working directory (a temporary directory: a core dump or a stray file lands there). */
  cwd: string;
  /** Most bytes of stdout and of stderr kept (the rest is counted as truncated). */
  maxOutputBytes: number;
  /** Aborting kills the child; the run rejects with `ERR_CHILD_ABORTED`. */
  signal?: AbortSignal | undefined;
  /** Called with each progress sample as it arrives. */
  onSample?: ((data: unknown) => void) | undefined;
  /** The child's script. Default: `src/child/entry.ts` (tests pass a fixture). */
  entry?: string | undefined;
}

/** What a child left behind. */
export interface ChildOutcome {
  /** The experiment's result; undefined when the child died before sending it. */
  result: unknown;
  /** Every progress sample, in order. */
  samples: unknown[];
  /** Exit status, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr was longer than `maxOutputBytes`. */
  truncated: boolean;
  /** Wall time from spawn to exit, in ms. */
  durationMs: number;
}

/**
 * Spawns `node [nodeFlags] --import tsx src/child/entry.ts experiment params` with stdio
 * `ignore, pipe, pipe, pipe` (fd 3 = the result channel) and an environment without
 * `NODE_OPTIONS` (so the caller's flags cannot change the child's heap). Resolves once the
 * child exited and its pipes closed, whatever its exit status: a crash may be the point of the
 * experiment; the caller decides.
 *
 * @throws {ChildProcessError} `ERR_CHILD_TIMEOUT`, `ERR_CHILD_ABORTED`, `ERR_CHILD_PROTOCOL`.
 */
export async function runChild(opts: RunChildOptions): Promise<ChildOutcome> {
  opts.signal?.throwIfAborted();
  const { NODE_OPTIONS: _, ...env } = process.env;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...opts.nodeFlags,
      '--import',
      TSX_LOADER,
      opts.entry ?? ENTRY,
      opts.experiment,
      JSON.stringify(opts.params),
    ],
    { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const stdout = new BoundedText(opts.maxOutputBytes);
  const stderr = new BoundedText(opts.maxOutputBytes);
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const samples: unknown[] = [];
  let result: unknown;
  let failure: ChildProcessError | undefined;
  const fail = (err: ChildProcessError): void => {
    failure ??= err;
    child.kill('SIGKILL');
  };
  readLines(child.stdio[3] as Readable, MAX_CHILD_MESSAGE_BYTES, (line) => {
    const message = parseChildMessage(line);
    if (message === undefined) {
      fail(new ChildProcessError('ERR_CHILD_PROTOCOL', `bad message from ${opts.experiment}`));
    } else if (message.type === 'sample') {
      samples.push(message.data);
      opts.onSample?.(message.data);
    } else result = message.data;
  }).catch((err: Error) => fail(new ChildProcessError('ERR_CHILD_PROTOCOL', err.message)));

  const timer = setTimeout(
    () =>
      fail(
        new ChildProcessError(
          'ERR_CHILD_TIMEOUT',
          `experiment '${opts.experiment}' still running after ${opts.timeoutMs} ms: killed`,
        ),
      ),
    opts.timeoutMs,
  );
  const onAbort = (): void =>
    fail(new ChildProcessError('ERR_CHILD_ABORTED', `experiment '${opts.experiment}' aborted`));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('error', reject);
        // 'close' comes after 'exit' once every pipe is drained: all output is in.
        child.once('close', (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
      },
    );
    if (failure !== undefined) throw withStderr(failure, stderr.text);
    return {
      result,
      samples,
      code,
      signal,
      stdout: stdout.text,
      stderr: stderr.text,
      truncated: stdout.truncated || stderr.truncated,
      durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function withStderr(err: ChildProcessError, stderr: string): ChildProcessError {
  return new ChildProcessError(err.code, err.message, stderr.slice(-4096));
}

/**
 * Runs `fn` with a fresh temporary directory and removes it afterwards, whether `fn` resolved,
 * threw or was aborted (Ctrl-C aborts the demo's signal; this `finally` still runs).
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-demo-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Text of a stream, up to a byte limit. */
class BoundedText {
  readonly #max: number;
  readonly #decoder = new StringDecoder('utf8');
  #bytes = 0;
  #parts: string[] = [];
  truncated = false;

  constructor(max: number) {
    this.#max = max;
  }

  push(chunk: Buffer): void {
    const room = this.#max - this.#bytes;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept !== chunk) this.truncated = true;
    this.#bytes += kept.length;
    this.#parts.push(this.#decoder.write(kept));
  }

  get text(): string {
    return this.#parts.join('');
  }
}

/** Calls `onLine` for each `\n`-terminated line of `stream`; a longer line than `max` rejects. */
async function readLines(stream: Readable, max: number, onLine: (line: string) => void) {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  for await (const chunk of stream) {
    const text = partial + decoder.write(chunk as Buffer);
    const lines = text.split('\n');
    partial = lines.pop()!;
    if (partial.length > max) throw new Error(`a result line longer than ${max} bytes`);
    for (const line of lines) if (line !== '') onLine(line);
  }
  if (partial !== '') onLine(partial + decoder.end());
}
