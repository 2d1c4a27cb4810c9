/**
 * `pnpm start`: the main job. Starts every server package on its default port, each as its
 * own process, prints a table (server, address, a command to try it) and on Ctrl-C / SIGTERM
 * stops them gracefully and waits for them. A server that fails to start (port in use) is
 * reported in one line; the others keep running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDevCerts } from 'certs';
import { prettyFactory } from 'pino-pretty';
import { findNetlabPackages, type WorkspacePackage } from './manifest.ts';

/** The workspace whose `packages/*` are started; `NETLAB_ROOT` overrides it (tests). */
const ROOT = process.env.NETLAB_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const colour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const format = prettyFactory({
  colorize: colour,
  translateTime: 'HH:MM:ss.l',
  ignore: 'pid,hostname,name',
});
const dim = (s: string): string => (colour ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string): string => (colour ? `\x1b[1m${s}\x1b[0m` : s);

interface Running {
  pkg: WorkspacePackage;
  child: ChildProcess;
  state: 'starting' | 'listening' | 'failed' | 'exited';
  address?: string;
  error?: string;
  exited: Promise<void>;
  /** Resolves once the server is listening or has failed to. */
  settled: Promise<void>;
}

function start(pkg: WorkspacePackage): Running {
  const child = spawn(process.execPath, ['--import', TSX, join(pkg.dir, 'src', 'main.ts')], {
    cwd: pkg.dir,
    // Own process group: a terminal's Ctrl-C reaches only this supervisor, which then sends
    // exactly one SIGTERM to each server (a second signal would mean "force").
    detached: true,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let settle = (): void => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const run: Running = { pkg, child, state: 'starting', exited: Promise.resolve(), settled };
  const tag = `[${pkg.name}]`.padEnd(15);
  run.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      if (run.state === 'starting') {
        run.state = 'failed';
        run.error ??= `exited (${code ?? signal}) before listening`;
        settle();
      } else if (run.state === 'listening') {
        run.state = 'exited';
        if (!stopping) process.stdout.write(`${tag} exited (${code ?? signal})\n`);
      }
      resolve();
    });
  });
  child.once('error', (err) => {
    run.state = 'failed';
    run.error = err.message;
    settle();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let record: { msg?: string; address?: string } | undefined;
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      record = undefined;
    }
    if (record?.msg?.startsWith('listening') && run.state === 'starting') {
      run.state = 'listening';
      run.address = record.address;
      settle();
    }
    process.stdout.write(`${dim(tag)} ${record ? format(record).trimEnd() : line}\n`);
  });
  // The line that explains a failed start: a server's own one-liner (`name: cannot listen …`)
  // if there is one, else the first line naming an error, else the first line.
  const startupLines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line.trim() === '') return;
    if (run.state === 'starting') {
      startupLines.push(line);
      run.error =
        startupLines.find((l) => /^[\w-]+: \S/.test(l) && !/^node:/.test(l)) ??
        startupLines.find((l) => /Error\b/.test(l)) ??
        startupLines[0];
    }
    process.stderr.write(`${tag} ${line}\n`);
  });
  return run;
}

let stopping = false;

async function main(): Promise<void> {
  const packages = await findNetlabPackages(ROOT);
  const servers = packages.filter((p) => p.netlab.server);
  if (servers.length === 0) {
    process.stdout.write(
      'netlab: no server packages yet (a package declares "netlab.server" in its package.json)\n',
    );
    return;
  }
  const certs = await ensureDevCerts();
  if (certs.generated) process.stdout.write(`netlab: generated the dev PKI in ${certs.dir}\n`);

  const running = servers.map(start);
  await Promise.all(running.map((r) => r.settled));

  const rows = running.map((r) => {
    const s = r.pkg.netlab.server!;
    return r.state === 'listening'
      ? [r.pkg.name, r.address ?? '', s.tryIt]
      : [r.pkg.name, 'NOT RUNNING', r.error ?? 'failed'];
  });
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length), i === 0 ? 6 : 7));
  const line = (cells: string[]): string =>
    `  ${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]}`;
  process.stdout.write(
    `\n${bold(line(['server', 'address', 'try it']))}\n${rows.map(line).join('\n')}\n`,
  );
  const clis = packages.filter((p) => p.netlab.cli);
  if (clis.length > 0) {
    process.stdout.write(
      `\n${bold('  demos (run by hand)')}\n${clis.map((p) => `  ${p.name.padEnd(widths[0]!)}  ${p.netlab.cli!.command}   ${dim(p.netlab.cli!.label)}`).join('\n')}\n`,
    );
  }
  const up = running.filter((r) => r.state === 'listening').length;
  if (up === 0) {
    process.stdout.write(`\n0/${running.length} servers running.\n`);
    process.exit(1);
  }
  process.stdout.write(`\n${up}/${running.length} servers running. Ctrl-C stops them all.\n\n`);

  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nnetlab: ${reason}: stopping ${up} server(s)…\n`);
    for (const r of running) if (r.state === 'listening') r.child.kill('SIGTERM');
    await Promise.all(running.map((r) => r.exited));
    process.stdout.write('netlab: all servers stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  // pnpm does not always pass SIGTERM on; if our parent goes away, stop as if signalled.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent exited');
  }, 1_000).unref();
  // Keep running while any server is up.
  await Promise.all(running.map((r) => r.exited));
  if (!stopping) {
    process.stdout.write('netlab: every server has exited\n');
    process.exit(1);
  }
}

await main();
