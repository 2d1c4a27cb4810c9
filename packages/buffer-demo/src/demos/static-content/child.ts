/**
 * The parent's side of the static-content child server: spawn `main.ts static-content-server`
 * (optionally pinned to a CPU and with `--cpu-prof`), wait for its port, read its CPU time, ask
 * for its write trace, stop it. Every wait has a timeout; {@link ServerChild.stop} always ends the
 * process (SIGKILL if it does not exit in time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { processCpuMs } from 'common/bench';
import { StaticServerError } from '../../errors.ts';
import type { ChildMessage, ParentMessage } from './server.ts';

const MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** How long a stopped child may take to exit (and write its profile) before SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;
/** Sampling interval of `--cpu-prof`, in µs (Node's default is 1000: too coarse for µs costs). */
const CPU_PROF_INTERVAL_US = 250;
/** How long the child may take to answer a `report` request. */
const REPORT_TIMEOUT_MS = 10_000;

/** Options of {@link startServerChild}. */
export interface ServerChildOptions {
  trace?: boolean;
  /** Write a V8 CPU profile (`--cpu-prof`) into this directory when the child exits. */
  cpuProfDir?: string;
  /** Command put in front of node, e.g. `['taskset', '-c', '0']`. */
  prefix?: readonly string[];
  /** How long the child may take to report its port, in ms. */
  startTimeout: number;
}

/** A running child server. */
export interface ServerChild {
  port: number;
  pid: number;
  /** CPU time (user + system) the child has used so far, in ms (10 ms resolution). */
  cpuMs(): number;
  /** The write trace (empty unless started with `trace`). */
  report(): Promise<Extract<ChildMessage, { type: 'report' }>>;
  /** Asks the child to exit and waits (SIGKILL after a timeout). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the child and resolves once it listens.
 *
 * @throws {StaticServerError} `ERR_SERVER_EXITED` if it exits first (with its stderr),
 *   `ERR_SERVER_START_TIMEOUT` if no port arrives within `startTimeout`.
 */
export async function startServerChild(options: ServerChildOptions): Promise<ServerChild> {
  const nodeArgs =
    options.cpuProfDir === undefined
      ? []
      : [
          '--cpu-prof',
          '--cpu-prof-dir',
          options.cpuProfDir,
          '--cpu-prof-interval',
          String(CPU_PROF_INTERVAL_US),
        ];
  const argv = [
    ...(options.prefix ?? []),
    process.execPath,
    ...nodeArgs,
    '--import',
    TSX,
    MAIN,
    'static-content-server',
    ...(options.trace === true ? ['--trace'] : []),
  ];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4096);
  });
  const exited = once(child, 'exit');
  try {
    const port = await waitForPort(child, exited, options.startTimeout, () => stderr);
    return serverChild(child, port, exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

async function waitForPort(
  child: ChildProcess,
  exited: Promise<unknown[]>,
  timeoutMs: number,
  stderr: () => string,
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const listening = new Promise<number>((resolve) => {
    const onMessage = (message: ChildMessage): void => {
      if (message.type !== 'listening') return;
      child.off('message', onMessage);
      resolve(message.port);
    };
    child.on('message', onMessage);
  });
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new StaticServerError(
            'ERR_SERVER_START_TIMEOUT',
            `the static-content server did not listen within ${timeoutMs} ms`,
            stderr(),
          ),
        ),
      timeoutMs,
    );
    void exited.then(([code, signal]) =>
      reject(
        new StaticServerError(
          'ERR_SERVER_EXITED',
          `the static-content server exited (${String(code ?? signal)}) before listening`,
          stderr(),
        ),
      ),
    );
  });
  try {
    return await Promise.race([listening, failed]);
  } finally {
    clearTimeout(timer);
  }
}

function serverChild(child: ChildProcess, port: number, exited: Promise<unknown[]>): ServerChild {
  const pid = child.pid!;
  let stopping: Promise<void> | undefined;
  return {
    port,
    pid,
    cpuMs: () => processCpuMs(pid),
    async report() {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new StaticServerError('ERR_SERVER_EXITED', 'the static-content server exited');
      }
      const reply = new Promise<Extract<ChildMessage, { type: 'report' }>>((resolve) => {
        const onMessage = (message: ChildMessage): void => {
          if (message.type !== 'report') return;
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
      });
      child.send({ type: 'report' } satisfies ParentMessage);
      let timer: NodeJS.Timeout | undefined;
      const failed = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new StaticServerError(
                'ERR_SERVER_EXITED',
                `the static-content server did not answer within ${REPORT_TIMEOUT_MS} ms`,
              ),
            ),
          REPORT_TIMEOUT_MS,
        );
        void exited.then(() =>
          reject(new StaticServerError('ERR_SERVER_EXITED', 'the static-content server exited')),
        );
      });
      try {
        return await Promise.race([reply, failed]);
      } finally {
        clearTimeout(timer);
      }
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
        else child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        try {
          await exited;
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}
