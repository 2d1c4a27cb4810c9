/**
 * A real `redis-server` on loopback for tests: started on a free port without persistence
 * (`--save '' --appendonly no`), stopped by PID, restartable on the same port. A test that
 * needs it fails with an install hint when the binary is missing. Used by ws-server's chat bus
 * tests and bench and by memory-demo's `--cache redis` tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.ts';
import { LineCollector } from './line-collector.ts';
import { withTimeout } from './wait.ts';

/** Fails (throws) with how to install redis-server when it is not on PATH. */
export function requireRedisServer(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0)
    throw new Error(
      'this test needs redis-server on PATH: apt-get install -y redis-server (Debian; .ci/run installs it when missing)',
    );
}

/** One redis-server process (see the module's TSDoc). */
export class RedisServer {
  readonly port: number;
  readonly #prefix: readonly string[];
  #child: ChildProcess | undefined;

  private constructor(port: number, prefix: readonly string[]) {
    this.port = port;
    this.#prefix = prefix;
  }

  /**
   * Starts redis-server on a free port (or `port`) and waits until it accepts connections;
   * `prefix` goes in front of the command (the bench pins it with `taskset -c 0`).
   */
  static async start(
    opts: { port?: number; prefix?: readonly string[] } = {},
  ): Promise<RedisServer> {
    requireRedisServer();
    const server = new RedisServer(opts.port ?? (await freePort()), opts.prefix ?? []);
    await server.#spawn();
    return server;
  }

  /** Its PID while it runs (for CPU time). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** `redis://127.0.0.1:PORT`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Stops it (SIGTERM to its PID, SIGKILL if it is still there after 5 s). Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await withTimeout(exited, 5_000, 'redis-server to exit').catch(() => child.kill('SIGKILL'));
  }

  /** Starts it again on the same port (empty: nothing was saved). */
  async restart(): Promise<void> {
    await this.stop();
    await this.#spawn();
  }

  async #spawn(): Promise<void> {
    const argv = [
      ...this.#prefix,
      'redis-server',
      '--bind',
      '127.0.0.1',
      '--port',
      String(this.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new LineCollector(child.stdout!);
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`redis-server exited (${String(code)}) before it was ready:\n${out.text}`);
    });
    await Promise.race([out.waitFor('Ready to accept connections', 10_000), exited]);
    exited.catch(() => undefined);
    this.#child = child;
  }
}
