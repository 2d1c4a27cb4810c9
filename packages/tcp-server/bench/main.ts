/**
 * tcp-server benchmark (`pnpm --filter tcp-server bench`), every contender side by side in one
 * run, alternated round by round (common's Bench: medians, per-pair ratios, the pairs shown):
 * 1. `length` decoding in one process (bench/decode.ts): netlab's LengthPrefixedDecoder vs the
 *    seeds' concat decoder vs plain copies of the same chunks; the splitter of the `length`
 *    echo vs the same copy.
 * 2. Loopback echo (bench/echo.ts): the `echo` and `length` servers vs a bare
 *    `socket.pipe(socket)` server (server children on CPU 0, this process as the load on CPU 1).
 *
 * `BENCH_RUNS` (default 9) sets the counted rounds, `BENCH_ONLY=decode|echo` runs one group.
 */
import { Bench, pinSelf } from 'common/bench';
import { decodeBenchmarks } from './decode.ts';
import { echoBenchmarks } from './echo.ts';

const pinned = pinSelf(1);
const bench = new Bench({
  package: 'tcp-server',
  title: 'tcp-server: length-prefixed decoding and loopback echo',
  runs: Number(process.env.BENCH_RUNS ?? 9),
  warmup: 1,
});
if (pinned)
  bench.note('This process (decoders, load generator) pinned to CPU 1, servers to CPU 0.');
const only = process.env.BENCH_ONLY;
if (only === undefined || only === 'decode') await decodeBenchmarks(bench);
if (only === undefined || only === 'echo') await echoBenchmarks(bench);
bench.finish();
