/**
 * The process supervisor behind `pnpm start`: spawns one child per server package, follows each
 * child from `starting` to `listening` (its one `listening on …` line) or `failed`, and stops
 * them all. The invariant: once a child is spawned, every way out of the supervisor (a signal at
 * any moment, an exception, `process.exit`) stops it and, where the process can still wait,
 * waits for it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseListeningLine, SUPERVISOR_ENV } from 'common';

/** Where a child is in its life. */
export enum ChildState {
  /** Spawned; no `listening` line yet. */
  Starting = 'starting',
  /** Printed its `listening` line. */
  Listening = 'listening',
  /** Exited (or failed to spawn) before listening. */
  Failed = 'failed',
  /** Exited after listening. */
  Exited = 'exited',
}

/** What to run: a name for the logs and the argv of the child (`node --import tsx main.ts`). */
export interface ChildSpec {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
}

/** Lines a child writes, tagged with its name, for the supervisor to print. */
export interface ChildOutput {
  stdout(name: string, line: string, record: Record<string, unknown> | undefined): void;
  stderr(name: string, line: string): void;
}

/** One supervised child. */
export class Child {
  readonly spec: ChildSpec;
  readonly process: ChildProcess;
  state = ChildState.Starting;
  /** The bound address from the `listening` line (`127.0.0.1:8124`). */
  address: string | undefined;
  /** The line that explains a failed start. */
  error: string | undefined;
  /** Resolves once the process has exited (or could not be spawned). */
  readonly exited: Promise<void>;
  /** Resolves once the child is listening or has failed to. */
  readonly settled: Promise<void>;
  #settle: () => void = () => undefined;
  readonly #startupLines: string[] = [];

  constructor(spec: ChildSpec, output: ChildOutput, env: NodeJS.ProcessEnv) {
    this.spec = spec;
    this.settled = new Promise((resolve) => (this.#settle = resolve));
    this.process = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      // Own process group: a terminal's Ctrl-C reaches only the supervisor, which then sends
      // exactly one SIGTERM to each server (a second signal would mean "force").
      detached: true,
      // …and an IPC channel it watches: if this process dies without stopping it (SIGKILL, the
      // OOM killer), the channel closes and the server shuts down by itself (common's serve()).
      env: { ...env, [SUPERVISOR_ENV]: 'ipc' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        if (this.state === ChildState.Starting) {
          this.state = ChildState.Failed;
          this.error ??= `exited (${code ?? signal}) before listening`;
        } else if (this.state === ChildState.Listening) {
          this.state = ChildState.Exited;
        }
        this.#settle();
        resolve();
      });
      this.process.once('error', (err) => {
        // spawn failed: there is no process to wait for.
        this.state = ChildState.Failed;
        this.error = err.message;
        this.#settle();
        resolve();
      });
    });
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      const listening = parseListeningLine(line);
      if (listening !== undefined && this.state === ChildState.Starting) {
        this.state = ChildState.Listening;
        this.address = listening.address;
        this.#settle();
      }
      output.stdout(spec.name, line, parseRecord(line));
    });
    createInterface({ input: this.process.stderr! }).on('line', (line) => {
      if (line.trim() === '') return;
      if (this.state === ChildState.Starting) this.#noteStartupLine(line);
      output.stderr(spec.name, line);
    });
  }

  /** True until the process has exited. */
  get alive(): boolean {
    return (
      this.process.pid !== undefined &&
      this.process.exitCode === null &&
      this.process.signalCode === null
    );
  }

  /** Sends `signal` to the child's process group (the child and anything it started). */
  signal(signal: NodeJS.Signals): void {
    if (!this.alive) return;
    try {
      process.kill(-this.process.pid!, signal);
    } catch {
      // Exited between the check and the kill.
    }
  }

  /**
   * The line that explains a failed start: a server's own one-liner (`name: cannot listen …`)
   * if there is one, else the first line naming an error, else the first line.
   */
  #noteStartupLine(line: string): void {
    const lines = this.#startupLines;
    lines.push(line);
    this.error =
      lines.find((l) => /^[\w-]+: \S/.test(l) && !/^node:/.test(l)) ??
      lines.find((l) => /Error\b/.test(l)) ??
      lines[0];
  }
}

function parseRecord(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Options of {@link Supervisor.stopAll}. */
export interface StopOptions {
  /** How long a child has to exit after SIGTERM before it gets SIGKILL, in ms. */
  killAfterMs: number;
}

/**
 * Owns every child it spawns. {@link stopAll} is safe at any moment, also while children are
 * still starting, and more than once; {@link killAllNow} is the synchronous last resort for
 * `process.on('exit')`.
 */
export class Supervisor {
  readonly children: Child[] = [];
  readonly #output: ChildOutput;
  readonly #env: NodeJS.ProcessEnv;
  #stopping: Promise<void> | undefined;

  constructor(output: ChildOutput, env: NodeJS.ProcessEnv) {
    this.#output = output;
    this.#env = env;
  }

  /** True once {@link stopAll} was called: nothing more is spawned. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Spawns a child, unless stopping already (then returns undefined). */
  spawn(spec: ChildSpec): Child | undefined {
    if (this.stopping) return undefined;
    const child = new Child(spec, this.#output, this.#env);
    this.children.push(child);
    return child;
  }

  /**
   * Sends SIGTERM to every child still alive (starting or listening), waits for each to exit,
   * and SIGKILLs one that has not exited after `killAfterMs`. Resolves once all have exited.
   */
  stopAll(opts: StopOptions): Promise<void> {
    this.#stopping ??= (async () => {
      for (const child of this.children) child.signal('SIGTERM');
      await Promise.all(
        this.children.map(async (child) => {
          const timer = setTimeout(() => child.signal('SIGKILL'), opts.killAfterMs);
          await child.exited;
          clearTimeout(timer);
        }),
      );
    })();
    return this.#stopping;
  }

  /** SIGKILLs every child still alive, synchronously (for `process.on('exit')`). */
  killAllNow(): void {
    for (const child of this.children) child.signal('SIGKILL');
  }
}
