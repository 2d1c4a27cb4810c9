/**
 * `pnpm start`: the main job. Starts every server package on its default port, each as its
 * own process, prints a table (server, address, a command to try it) and on Ctrl-C / SIGTERM
 * stops them gracefully and waits for them. A server that fails to start (port in use) is
 * reported in one line; the others keep running.
 *
 * Signal handlers go in before anything is spawned, so a Ctrl-C at any moment (before, during
 * or after start-up) stops every child that was spawned; `process.on('exit')` SIGKILLs any
 * child still alive, so no exit path leaves one running. Only a SIGKILL of this supervisor
 * itself cannot be handled: its children then keep running (they are in their own process
 * groups, so that a terminal's Ctrl-C is delivered to them exactly once, by us).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDevCerts } from 'certs';
import { prettyFactory } from 'pino-pretty';
import { findNetlabPackages, type WorkspacePackage } from './manifest.ts';
import { ChildState, Supervisor, type Child } from './supervisor.ts';
import { renderTable, styles } from './table.ts';

/** The workspace whose `packages/*` are started; `NETLAB_ROOT` overrides it (tests). */
const ROOT = process.env.NETLAB_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/**
 * How long a server may take to exit after SIGTERM before it is SIGKILLed, in ms: its own
 * graceful shutdown limit (common's `--shutdown-timeout`, default 5 s) plus a margin for
 * start-up. `NETLAB_KILL_AFTER_MS` overrides it (tests).
 */
const KILL_AFTER_MS = Number(process.env.NETLAB_KILL_AFTER_MS ?? 10_000);

const colour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const s = styles(colour);
const format = prettyFactory({
  colorize: colour,
  translateTime: 'HH:MM:ss.l',
  ignore: 'pid,hostname,name',
});
const tag = (name: string): string => `[${name}]`.padEnd(15);
const say = (line: string): boolean => process.stdout.write(`${line}\n`);

const supervisor = new Supervisor(
  {
    stdout: (name, line, record) =>
      say(`${s.dim(tag(name))} ${record ? format(record).trimEnd() : line}`),
    stderr: (name, line) => process.stderr.write(`${tag(name)} ${line}\n`),
  },
  { ...process.env, FORCE_COLOR: '0' },
);

let stopping: Promise<void> | undefined;

/** Stops every child (starting or listening), waits for them, exits 0. Idempotent. */
function stop(reason: string): Promise<void> {
  stopping ??= (async () => {
    const alive = supervisor.children.filter((c) => c.alive).length;
    say(`\nnetlab: ${reason}: stopping ${alive} server(s)…`);
    await supervisor.stopAll({ killAfterMs: KILL_AFTER_MS });
    say('netlab: all servers stopped');
    process.exit(0);
  })();
  return stopping;
}

function onSignal(signal: NodeJS.Signals): void {
  if (stopping !== undefined) {
    say(`netlab: ${signal} again: killing what is left`);
    supervisor.killAllNow();
    return;
  }
  void stop(signal);
}

// Before the first child exists: from here on a signal cannot kill us by its default action.
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
// The last resort on every exit path (process.exit, an uncaught exception): no orphans.
process.on('exit', () => supervisor.killAllNow());

function startServer(pkg: WorkspacePackage): Child | undefined {
  return supervisor.spawn({
    name: pkg.name,
    command: process.execPath,
    args: ['--import', TSX, join(pkg.dir, 'src', 'main.ts')],
    cwd: pkg.dir,
  });
}

async function main(): Promise<void> {
  const packages = await findNetlabPackages(ROOT);
  const servers = packages.filter((p) => p.netlab.server);
  if (servers.length === 0) {
    say('netlab: no server packages yet (a package declares "netlab.server" in its package.json)');
    return;
  }
  const certs = await ensureDevCerts();
  if (certs.generated) say(`netlab: generated the dev PKI in ${certs.dir}`);

  const started: { pkg: WorkspacePackage; child: Child }[] = [];
  for (const pkg of servers) {
    const child = startServer(pkg);
    if (child === undefined) return; // a signal arrived: stop() owns the exit
    started.push({ pkg, child });
  }
  say(
    `netlab: starting ${started.map(({ pkg, child }) => `${pkg.name} (pid ${child.process.pid})`).join(', ')}`,
  );
  await Promise.all(started.map(({ child }) => child.settled));
  if (stopping !== undefined) return;

  say(
    renderTable(
      started,
      packages.filter((p) => p.netlab.cli),
      s,
    ),
  );
  const up = started.filter(({ child }) => child.state === ChildState.Listening).length;
  if (up === 0) {
    say(`0/${started.length} servers running.`);
    await Promise.all(started.map(({ child }) => child.exited));
    process.exit(1);
  }
  say(`${up}/${started.length} servers running. Ctrl-C stops them all.\n`);

  // pnpm does not always pass SIGTERM on; if our parent goes away, stop as if signalled.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent exited');
  }, 1_000).unref();
  await Promise.all(started.map(({ child }) => child.exited));
  if (stopping === undefined) {
    say('netlab: every server has exited');
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`netlab: ${(err as Error).stack ?? String(err)}\n`);
  void supervisor.stopAll({ killAfterMs: KILL_AFTER_MS }).then(() => process.exit(1));
});
