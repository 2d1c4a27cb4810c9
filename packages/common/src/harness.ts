/**
 * Test harness shared by every package's tests. Everything here closes what it opens: pair each
 * helper with a {@link Teardown} registered first (`afterEach(() => teardown.run())`), so
 * vitest exits by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once, type EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { connect, type Server, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { formatAddress } from './address.ts';
import { listen, trackConnections, type ConnectionTracker } from './lifecycle.ts';

/** Default wait in the harness, in ms: long enough for a loaded 2-core CI machine. */
export const DEFAULT_WAIT_MS = 5_000;

/** Thrown when a harness wait runs out; `code` is `ERR_TEST_TIMEOUT`. */
export class TestTimeoutError extends Error {
  readonly code = 'ERR_TEST_TIMEOUT';
}

/** Runs registered cleanups last-in first-out; errors are collected and thrown together. */
export class Teardown {
  #fns: (() => unknown)[] = [];

  /**
   * Registers `fn`, called with `value` at teardown; returns `value`, so that
   * `const client = teardown.add(await RawClient.connect(…), (c) => c.destroy())` reads well.
   */
  add<T>(value: T, fn: (value: T) => unknown): T {
    this.#fns.push(() => fn(value));
    return value;
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    while (this.#fns.length > 0) {
      const fn = this.#fns.pop()!;
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'teardown failed');
  }
}

/**
 * Resolves like `promise`, or rejects with {@link TestTimeoutError} saying what was awaited
 * (`what` may be a function, called at the timeout, to describe the state then).
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string | (() => string),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const described = typeof what === 'function' ? what() : what;
      reject(new TestTimeoutError(`timed out after ${ms} ms waiting for ${described}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `events.once` with a timeout; resolves with the event's arguments. Like `events.once`, it
 * rejects if the emitter emits `error` first: waiting for `close` on a socket that errors
 * rejects with that error (listen for `close` yourself if an error is expected).
 */
export function waitForEvent<T extends unknown[] = unknown[]>(
  emitter: EventEmitter,
  event: string,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return withTimeout(once(emitter, event) as Promise<T>, timeoutMs, `'${event}'`);
}

export interface TestServer {
  host: string;
  port: number;
  /** `host:port` (IPv6 in brackets). */
  address: string;
  /** `scheme://host:port/path`, e.g. `url('ws', '/echo')`. */
  url(scheme: string, path?: string): string;
  connections: ConnectionTracker;
  /** Stops accepting, destroys every socket the server accepted, resolves when closed. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 port 0 (or `host`) and returns the bound address plus a full close. */
export async function startServer(server: Server, host = '127.0.0.1'): Promise<TestServer> {
  const connections = trackConnections(server);
  const address = await listen(server, { host, port: 0 });
  const info = server.address();
  const port = typeof info === 'object' && info !== null ? info.port : 0;
  return {
    host,
    port,
    address,
    url: (scheme, path = '/') => `${scheme}://${address}${path}`,
    connections,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      connections.destroyAll();
      await closed;
    },
  };
}

/** What {@link LineCollector} waits for: a substring, a pattern or a predicate. */
export type LineMatch = RegExp | string | ((line: string) => boolean);

/** Collects a stream's text as lines and lets a test wait for one. */
export class LineCollector {
  readonly lines: string[] = [];
  #partial = '';
  #raw: string[] = [];
  #waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.#raw.push(chunk);
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const line of parts) this.#push(line);
    });
    stream.on('end', () => {
      if (this.#partial !== '') this.#push(this.#partial);
      this.#partial = '';
    });
  }

  #push(line: string): void {
    this.lines.push(line);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  /** Every character received so far, exactly (with the final newline, if any). */
  get raw(): string {
    return this.#raw.join('');
  }

  /** All text so far, lines joined with `\n`. */
  get text(): string {
    return this.lines.join('\n') + (this.#partial === '' ? '' : `\n${this.#partial}`);
  }

  /** Resolves with the first line (already seen or future) matching `match`. */
  waitFor(match: LineMatch, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return this.#waitFrom(0, match, timeoutMs);
  }

  /**
   * Resolves with the first line arriving after this call that matches `match`: the reply to
   * a request just written to the process.
   */
  waitForNext(match: LineMatch, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return this.#waitFrom(this.lines.length, match, timeoutMs);
  }

  #waitFrom(start: number, match: LineMatch, timeoutMs: number): Promise<string> {
    const fn =
      typeof match === 'function'
        ? match
        : typeof match === 'string'
          ? (l: string) => l.includes(match)
          : (l: string) => match.test(l);
    const seen = this.lines.slice(start).find(fn);
    if (seen !== undefined) return Promise.resolve(seen);
    const found = new Promise<string>((resolve) => this.#waiters.push({ match: fn, resolve }));
    return withTimeout(
      found,
      timeoutMs,
      () => `a line matching ${String(match)} (got:\n${this.text})`,
    );
  }
}

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
 * `args` has a `--port`. Rejects with the process's stderr if it exits first.
 */
export async function startMain(
  mainPath: string,
  args: readonly string[] = [],
  opts: SpawnMainOptions & { timeoutMs?: number } = {},
): Promise<ListeningMain> {
  const fullArgs = args.includes('--port') ? args : [...args, '--port', '0'];
  const proc = spawnMain(mainPath, fullArgs, opts);
  const line = await Promise.race([
    proc.stdout.waitFor(/"msg":"listening/, opts.timeoutMs ?? 15_000),
    proc.exited.then((code) => {
      throw new Error(
        `${mainPath} exited (${code}) before listening:\n${proc.stderr.text}\n${proc.stdout.text}`,
      );
    }),
  ]);
  const address = String((JSON.parse(line) as { address: string }).address).replace(
    /^[a-z]+:\/\//,
    '',
  );
  const port = Number(/:(\d+)$/.exec(address)?.[1] ?? 0);
  return { ...proc, address, port };
}

/** Runs a TypeScript entry point to completion; for CLIs and bad-flag tests. */
export async function runMain(
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
    code = await withTimeout(proc.exited, opts.timeoutMs ?? 15_000, `${mainPath} to exit`);
    await withTimeout(closed, DEFAULT_WAIT_MS, `${mainPath}'s output to close`);
  } catch (err) {
    proc.child.kill('SIGKILL');
    throw err;
  }
  return { code, stdout: proc.stdout.text, stdoutRaw: proc.stdout.raw, stderr: proc.stderr.text };
}

/** A raw TCP or Unix-socket client that collects every byte it receives. */
export class RawClient {
  readonly socket: Socket;
  #chunks: Buffer[] = [];
  #length = 0;
  #ended = false;
  #waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
      this.#wake();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('error', () => {
      // Surfaced through waitForEnd()/closed; a test asserts on bytes, not on error events.
    });
  }

  /** Connects to `{ port, host }` or `{ path }` and resolves once connected. */
  static async connect(
    target: { port: number; host?: string } | { path: string },
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RawClient> {
    const socket =
      'path' in target ? connect(target.path) : connect(target.port, target.host ?? '127.0.0.1');
    const client = new RawClient(socket);
    await withTimeout(
      Promise.race([
        once(socket, 'connect'),
        once(socket, 'error').then(([err]) => {
          throw err;
        }),
      ]),
      timeoutMs,
      `connect to ${'path' in target ? target.path : `${target.host ?? '127.0.0.1'}:${target.port}`}`,
    );
    return client;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Bytes received so far (a copy). */
  received(): Buffer {
    return Buffer.concat(this.#chunks, this.#length);
  }

  get receivedLength(): number {
    return this.#length;
  }

  get ended(): boolean {
    return this.#ended;
  }

  write(data: string | Uint8Array): boolean {
    return this.socket.write(data);
  }

  /** Half-closes (sends FIN). */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  async #until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const check = new Promise<void>((resolve) => {
      const test = (): void => {
        if (cond()) resolve();
        else this.#waiters.push(test);
      };
      test();
    });
    await withTimeout(
      check,
      timeoutMs,
      () => `${what} (received ${this.#length} bytes: ${preview(this.received())})`,
    );
  }

  /** Resolves once at least `n` bytes arrived; returns all bytes so far. */
  async waitForBytes(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    await this.#until(() => this.#length >= n, timeoutMs, `${n} bytes`);
    return this.received();
  }

  /** Resolves once the received bytes contain `needle`; returns all bytes so far. */
  async waitForText(needle: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    await this.#until(() => this.received().includes(needle), timeoutMs, `'${needle}'`);
    return this.received().toString('utf8');
  }

  /** Resolves with every byte once the peer ended or closed the connection. */
  async waitForEnd(timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    await this.#until(() => this.#ended, timeoutMs, 'the peer to end the connection');
    return this.received();
  }
}

function preview(buf: Buffer): string {
  const head = buf.subarray(0, 64);
  return JSON.stringify(head.toString('latin1')) + (buf.length > 64 ? '…' : '');
}

export { formatAddress };
export { byteByByte, chunkAt, everySplit, randomChunks, seeded, splitAt } from './chunking.ts';
