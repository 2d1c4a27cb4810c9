/**
 * `pnpm --filter buffer-demo bench`: the speed claims of chapter 6, contenders alternated
 * (A B A B …) with medians and per-pair ratios (common's Bench):
 *   1. one string from 100,000 chunks: `Buffer.concat(chunks, total)` vs `data += chunk` vs a
 *      StringDecoder feeding `+=`, on ASCII and on UTF-8 CJK input (§6.3.3);
 *   2. the book's static 10 KiB body, `res.end(buffer)` vs `res.end(string)`, with and without
 *      keep-alive: autocannon on CPU 1, the server in a child process on CPU 0 (§6.4).
 * BENCH_RUNS (default 7), BENCH_DURATION_MS (default 3000) and BENCH_ONLY (`concat`, `static`).
 */
import { performance } from 'node:perf_hooks';
import { Bench, pinnedCommand, pinSelf, type Metrics } from 'common/bench';
import { POEM } from '../src/constants.ts';
import { bufferConcat, cutIntoChunks, decoderPlusEquals, plusEquals } from '../src/demos/concat.ts';
import { startServerChild, type ServerChild } from '../src/demos/static-content/child.ts';
import { runLoad, type ConnectionMode } from '../src/demos/static-content/load.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3_000);
const ONLY = process.env.BENCH_ONLY;
const CHUNKS = 100_000;
const CHUNK_BYTES = 64;
const CONNECTIONS = 50;

const pinned = pinSelf(1);
const bench = new Bench({
  package: 'buffer-demo',
  title: 'buffer-demo: chapter 6 speed claims',
  runs: RUNS,
  warmup: 1,
});

function timed(fn: () => string, bytes: number): () => Promise<Metrics> {
  return async () => {
    const start = performance.now();
    const text = fn();
    const ms = performance.now() - start;
    if (text.length === 0) throw new RangeError('empty result');
    return { ms, 'MB/s': bytes / 1e6 / (ms / 1000) };
  };
}

if (ONLY === undefined || ONLY === 'concat') {
  bench.note(
    `concat: ${CHUNKS.toLocaleString('en-US')} chunks of ~${CHUNK_BYTES} B (own memory each, cut at arbitrary byte offsets) turned into one string; ms per whole job, lower is better. ` +
      '`data += chunk` is correct only on ASCII input: on the UTF-8 case it garbles every character cut by a boundary (see `pnpm --filter buffer-demo dev -- concat`).',
  );
  for (const [label, text] of [
    ['ASCII', 'netlab buffer demo\n'],
    ['UTF-8 CJK', POEM],
  ] as const) {
    const { chunks } = cutIntoChunks(text, CHUNKS, CHUNK_BYTES);
    const bytes = chunks.reduce((n, c) => n + c.length, 0);
    await bench.compare({
      name: `concat ${CHUNKS / 1000}k chunks, ${label}`,
      primary: 'ms',
      higherIsBetter: false,
      contenders: {
        'Buffer.concat(chunks, total)': timed(() => bufferConcat(chunks), bytes),
        [label === 'ASCII' ? 'data += chunk' : 'data += chunk (wrong output)']: timed(
          () => plusEquals(chunks),
          bytes,
        ),
        'StringDecoder, +=': timed(() => decoderPlusEquals(chunks), bytes),
      },
    });
  }
}

if (ONLY === undefined || ONLY === 'static') {
  bench.note(
    `static: the book's server (res.writeHead(200); res.end(body), no Content-Length, so chunked), 10 KiB of 'a' as a string vs a Buffer made once; autocannon ${CONNECTIONS} connections, ${DURATION_MS} ms per run` +
      (pinned ? ', load on CPU 1, server child on CPU 0 (taskset)' : '') +
      '. Primary: server CPU per request (user+system from /proc), the steady figure on a shared machine; req/s mostly measures how much CPU autocannon got.',
  );
  const server: ServerChild = await startServerChild({
    prefix: pinnedCommand(0),
    startTimeout: 20_000,
  });
  try {
    const load =
      (route: 'string' | 'buffer', mode: ConnectionMode) => async (): Promise<Metrics> => {
        const f = await runLoad({
          url: `http://127.0.0.1:${server.port}/${route}`,
          mode,
          connections: CONNECTIONS,
          durationMs: DURATION_MS,
          serverCpuMs: () => server.cpuMs(),
        });
        if (f.errors > 0) process.stderr.write(`warning: ${route} ${mode}: ${f.errors} errors\n`);
        return {
          'server µs/req': f.serverUsPerRequest,
          'req/s': f.reqPerSecond,
          'p99 ms': f.p99Ms,
        };
      };
    for (const mode of ['keep-alive', 'close'] as const) {
      await bench.compare({
        name: `static 10 KiB, ${mode}`,
        primary: 'server µs/req',
        higherIsBetter: false,
        ratioMetrics: ['req/s'],
        contenders: {
          'res.end(buffer)': load('buffer', mode),
          'res.end(string)': load('string', mode),
        },
      });
    }
  } finally {
    await server.stop();
  }
}

bench.note('Run on a shared 2-core VM while other jobs were running: treat the figures as noisy.');
bench.finish();
