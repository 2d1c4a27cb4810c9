/**
 * Where the string body's extra CPU goes, in native code: Linux `perf` on the static-content
 * child server under keep-alive load, one route at a time (`node --import tsx
 * bench/perf-static-content.ts`; needs `perf`, Debian package `linux-perf`, and
 * `kernel.perf_event_paranoid` ≤ 2). `--cpu-prof` sees the native `writev` as one function; perf
 * sees inside it (node::StreamBase::Writev → node::StringBytes::Write → v8::String::WriteUtf8)
 * and the slow path of Buffer.byteLength (v8::String::Utf8Length). Prints the symbols that
 * differ between the routes, inclusive ("children") shares of the server's samples.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinnedCommand, pinSelf } from 'common/bench';
import { startServerChild } from '../src/demos/static-content/child.ts';
import { runLoad } from '../src/demos/static-content/load.ts';

const DURATION_MS = Number(process.env.PERF_DURATION_MS ?? 4_000);
const SYMBOLS =
  /StreamBase::Writev$|__GI___writev|StringBytes::Write$|String::WriteUtf8|String::Utf8Length|SlowByteLengthUtf8|FastByteLengthUtf8|utf8_length_from_latin1|^malloc$/;

if (spawnSync('perf', ['--version']).status !== 0) {
  process.stderr.write('perf not found: apt-get install -y linux-perf\n');
  process.exit(1);
}
pinSelf(1);
const dir = await mkdtemp(join(tmpdir(), 'buffer-demo-perf-'));
try {
  for (const route of ['string', 'buffer'] as const) {
    const child = await startServerChild({ prefix: pinnedCommand(0), startTimeout: 20_000 });
    try {
      const url = `http://127.0.0.1:${child.port}/${route}`;
      const load = () =>
        runLoad({
          url,
          mode: 'keep-alive',
          connections: 50,
          durationMs: DURATION_MS,
          serverCpuMs: () => child.cpuMs(),
        });
      await load(); // warm-up: JIT, connection set-up
      const data = join(dir, `${route}.data`);
      const perf = spawn(
        'perf',
        ['record', '-F', '4999', '-g', '-p', String(child.pid), '-o', data],
        {
          stdio: 'ignore',
        },
      );
      const figures = await load();
      perf.kill('SIGINT');
      await once(perf, 'exit');
      const report = spawnSync(
        'perf',
        ['report', '-i', data, '--children', '--sort', 'symbol', '--stdio', '-g', 'none'],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      ).stdout;
      process.stdout.write(
        `/${route}: ${figures.requests} requests, ${figures.serverUsPerRequest.toFixed(1)} µs server CPU/request\n` +
          '  children   self  symbol\n',
      );
      for (const line of report.split('\n')) {
        const m = /^\s+([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(.+?)(?:\s{2,}|$)/.exec(line);
        if (m && SYMBOLS.test(m[3]!))
          process.stdout.write(`  ${m[1]!.padStart(6)}% ${m[2]!.padStart(5)}%  ${m[3]}\n`);
      }
    } finally {
      await child.stop();
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
