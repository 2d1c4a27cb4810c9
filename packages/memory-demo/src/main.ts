/**
 * The memory-demo CLI, the only place that reads argv and env:
 * - `main.ts` with no argument lists the demos;
 * - `main.ts <demo> [--json] [--out DIR] [flags]` runs one (`usage`, `limit`, `gc`, `scope`,
 *   `leak`, `stream`) and prints a table, or one JSON object;
 * - `main.ts server [flags]` serves the leaking HTTP server (default port 8090); `--cache redis`
 *   with `--redis URL` or `REDIS_URL` puts `/fixed`'s cache in Redis;
 * - `main.ts load [--url URL] [flags]` drives it and draws the live chart.
 * Ctrl-C during a demo kills its child, removes its temporary files and exits 130.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  choiceFlag,
  CliError,
  createLogger,
  isClusterPrimary,
  isRedisUrl,
  limitFlags,
  limitsHelp,
  parseFlags,
  parseServerArgs,
  readLimitFlags,
  rejectPositionals,
  runMain,
  serve,
  type LimitTable,
  type OptionTable,
} from 'common';
import {
  asciiOf,
  demoList,
  demoUsage,
  emit,
  loadChart,
  loadScreen,
  type ChartSpec,
} from './cli-output.ts';
import { DEFAULT_PORT, DEFAULT_REDIS_URL } from './constants.ts';
import { formatGc, gcChart, runGcDemo } from './demos/gc.ts';
import { formatDiff, formatLeak, leakChart } from './demos/leak-print.ts';
import { diffSnapshotFiles, runLeakDemo } from './demos/leak.ts';
import { formatLimit, limitChart, runLimitDemo } from './demos/limit.ts';
import { formatScope, runScopeDemo, scopeChart } from './demos/scope.ts';
import { formatStream, runStreamDemo, streamChart } from './demos/stream.ts';
import { formatUsage, runUsageDemo } from './demos/usage.ts';
import { HeapSnapshotError } from './errors.ts';
import { LEAK_CASES, LEAK_VARIANTS } from './experiments/leak-subjects.ts';
import { limitsOf } from './limits.ts';
import { runLoad, type LoadSample } from './load.ts';
import { formatBytes } from 'common';
import { createMemoryServer, FIXED_CACHE_KINDS, SERVER_LIMITS } from './server.ts';

const NAME = 'memory-demo';
const argv = process.argv.slice(2);
const interrupt = new AbortController();
const tty = process.stdout.isTTY === true;

const OUTPUT_FLAGS = {
  json: { type: 'boolean' },
  out: { type: 'string' },
} as const satisfies OptionTable;

/** Each demo's limits (flags); `--timeout` everywhere. */
const DEMO_LIMITS = {
  usage: limitsOf('heapLimit', 'childTimeout'),
  limit: limitsOf('heapLimit', 'bufferTotal', 'childTimeout'),
  gc: limitsOf('gcObjects', 'semiSpace', 'childTimeout'),
  scope: limitsOf('scopeBytes', 'childTimeout'),
  leak: limitsOf(
    'iterations',
    'warmup',
    'further',
    'leakThreshold',
    'maxSnapshotSize',
    'childTimeout',
  ),
  stream: limitsOf('heapLimit', 'fileSize', 'childTimeout'),
} as const;
type DemoName = keyof typeof DEMO_LIMITS;

/** Parses a demo's flags: output flags, its limits, and `extra`. */
function demoFlags<T extends LimitTable, E extends OptionTable>(
  demo: DemoName,
  rest: string[],
  table: T,
  extra: E,
  help = '',
) {
  const { values, positionals } = parseFlags(
    rest,
    { ...OUTPUT_FLAGS, ...limitFlags(table), ...extra },
    { usage: demoUsage(NAME, demo, table, help) },
  );
  rejectPositionals(positionals);
  const v = values as Record<string, string | boolean | string[] | undefined>;
  const out = v.out;
  if (out === '') throw new CliError('ERR_INVALID_ARG_VALUE', '--out must not be empty');
  return {
    limits: readLimitFlags(table, v),
    output: { json: v.json === true, out: typeof out === 'string' ? out : undefined },
    values: v,
  };
}

const progress = (line: string): void => {
  if (process.stderr.isTTY === true) process.stderr.write(`${line}\n`);
};

async function demoMain(demo: DemoName, rest: string[]): Promise<void> {
  const signal = interrupt.signal;
  const charts: ChartSpec[] = [];
  switch (demo) {
    case 'usage': {
      const { limits, output } = demoFlags(demo, rest, DEMO_LIMITS.usage, {});
      const r = await runUsageDemo({
        signal,
        childTimeout: limits.childTimeout,
        heapLimit: limits.heapLimit,
      });
      return emit(r, () => formatUsage(r), charts, output);
    }
    case 'limit': {
      const { limits, output } = demoFlags(demo, rest, DEMO_LIMITS.limit, {});
      const r = await runLimitDemo({ signal, ...limits });
      return emit(r, () => formatLimit(r), [{ name: 'limit', line: limitChart(r) }], output);
    }
    case 'gc': {
      const { limits, output } = demoFlags(demo, rest, DEMO_LIMITS.gc, {});
      const r = await runGcDemo({
        signal,
        childTimeout: limits.childTimeout,
        objects: limits.gcObjects,
        semiSpace: limits.semiSpace,
      });
      return emit(r, () => formatGc(r), [{ name: 'gc', line: gcChart(r) }], output);
    }
    case 'scope': {
      const { limits, output } = demoFlags(demo, rest, DEMO_LIMITS.scope, {});
      const r = await runScopeDemo({
        signal,
        childTimeout: limits.childTimeout,
        bytes: limits.scopeBytes,
      });
      return emit(r, () => formatScope(r), [{ name: 'scope', bar: scopeChart(r) }], output);
    }
    case 'leak': {
      const { limits, output, values } = demoFlags(
        demo,
        rest,
        DEMO_LIMITS.leak,
        {
          case: { type: 'string', multiple: true },
          variant: { type: 'string' },
          'no-snapshots': { type: 'boolean' },
        },
        `  --case NAME              ${LEAK_CASES.join(', ')} (repeatable; default all)
  --variant V              leak or fixed (default both)
  --no-snapshots           skip the three heap snapshots (slope only)
`,
      );
      const cases = ((values.case as string[] | undefined) ?? [...LEAK_CASES]).map((c) =>
        choiceFlag('--case', c, LEAK_CASES, 'module-array'),
      );
      const variant =
        values.variant === undefined
          ? undefined
          : choiceFlag('--variant', values.variant as string, LEAK_VARIANTS, 'leak');
      const r = await runLeakDemo({
        signal,
        ...limits,
        threshold: limits.leakThreshold,
        cases,
        variants: variant === undefined ? undefined : [variant],
        snapshotVariants: values['no-snapshots'] === true ? [] : undefined,
        onCase: output.json
          ? undefined
          : (c) =>
              progress(
                `${c.name} (${c.variant}): ${formatBytes(c.slopeBytesPerIteration)}/iteration, ${c.leaking ? 'leaking' : 'ok'}`,
              ),
      });
      return emit(r, () => formatLeak(r), [{ name: 'leak', line: leakChart(r) }], output);
    }
    case 'stream': {
      const { limits, output } = demoFlags(demo, rest, DEMO_LIMITS.stream, {});
      if (limits.fileSize <= limits.heapLimit) {
        throw new CliError(
          'ERR_INVALID_ARG_VALUE',
          '--file-size must be larger than --heap-limit (that is the point)',
        );
      }
      const r = await runStreamDemo({ signal, ...limits });
      const chart = streamChart(r);
      return emit(
        r,
        () => `${formatStream(r)}\n\n${asciiOf(chart, tty)}`,
        [{ name: 'stream', line: chart }],
        output,
      );
    }
  }
}

async function serverMain(rest: string[]): Promise<void> {
  const args = parseServerArgs({
    argv: rest,
    env: process.env,
    defaultPort: DEFAULT_PORT,
    usage: `usage: ${NAME} server [options]

An HTTP server that leaks on purpose (§5.4–5.5): GET /leak?key=K caches every body forever,
GET /fixed?key=K in a bounded LRU (or Redis); GET /metrics (Prometheus text, or ?format=json); POST
/snapshot or SIGUSR2 writes a heap snapshot for Chrome DevTools.
  --cache KIND             the /fixed cache: lru (in this process, default) or redis (in Redis,
                           each entry with the --cache-ttl, off this process's heap)
  --redis URL              Redis of --cache redis: redis://[user:pass@]host:port[/db] or
                           rediss:// (env REDIS_URL; default ${DEFAULT_REDIS_URL})
  --snapshot-dir DIR       where heap snapshots go (default $TMPDIR/memory-demo-snapshots)
${limitsHelp(SERVER_LIMITS)}`,
    options: {
      ...limitFlags(SERVER_LIMITS),
      cache: { type: 'string' },
      redis: { type: 'string' },
      'snapshot-dir': { type: 'string' },
    },
  });
  const dir = args.values['snapshot-dir'];
  if (dir === '') throw new CliError('ERR_INVALID_ARG_VALUE', '--snapshot-dir must not be empty');
  const cache = choiceFlag('--cache', args.values.cache, FIXED_CACHE_KINDS, 'lru');
  if (args.values.redis !== undefined && cache !== 'redis')
    throw new CliError('ERR_INVALID_ARG_VALUE', '--redis needs --cache redis');
  const redisUrl = cache === 'redis' ? readRedisUrl(args.values.redis) : undefined;
  const logger = createLogger({ name: NAME, level: args.server.logLevel });
  const app = createMemoryServer({
    ...readLimitFlags(SERVER_LIMITS, args.values),
    // A cluster primary runs this far but serves nothing: no Redis connection there.
    cache: isClusterPrimary(args.server.workers) ? 'lru' : cache,
    redisUrl,
    snapshotDir: typeof dir === 'string' ? dir : join(tmpdir(), 'memory-demo-snapshots'),
    logger,
  });
  // node-heapdump's `kill -USR2 <pid>`, kept (SIGUSR1 is Node's inspector signal).
  process.on('SIGUSR2', () => {
    app.writeSnapshot().catch((err: unknown) => logger.error({ err }, 'heap snapshot failed'));
  });
  await serve(app, { name: NAME, logger, ...args.server });
}

/** `--redis`, else `REDIS_URL`, else the default; a bad one exits 2 naming where it came from. */
function readRedisUrl(flag: string | undefined): string {
  const env = process.env.REDIS_URL;
  const url = flag ?? (env === undefined || env === '' ? DEFAULT_REDIS_URL : env);
  if (!isRedisUrl(url))
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `${flag === undefined ? 'REDIS_URL' : '--redis'} must be a redis:// or rediss:// URL (got '${url}')`,
    );
  return url;
}

const DIFF_LIMITS = limitsOf('maxSnapshotSize');

/** `diff BASELINE TARGET FINAL`: the leak demo's "where" analysis on any three snapshots. */
async function diffMain(rest: string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    rest,
    { json: { type: 'boolean' }, ...limitFlags(DIFF_LIMITS) },
    {
      usage: `usage: ${NAME} diff BASELINE TARGET FINAL [--json] [--max-snapshot-size SIZE]

Three .heapsnapshot files of one process (e.g. from the server's POST /snapshot, taken before,
during and after a load): objects allocated between the first two and still alive in the third,
by constructor, and the shortest retainer path of the largest group (memlab's method).
${limitsHelp(DIFF_LIMITS)}
`,
    },
  );
  if (positionals.length !== 3) {
    throw new CliError(
      'ERR_MISSING_ARGS',
      'diff takes three snapshot files: BASELINE TARGET FINAL',
    );
  }
  const { maxSnapshotSize } = readLimitFlags(DIFF_LIMITS, values);
  const r = await diffSnapshotFiles(positionals as [string, string, string], maxSnapshotSize);
  await emit(r, () => formatDiff(r), [], { json: values.json === true, out: undefined });
}

const LOAD_LIMITS = limitsOf(
  'duration',
  'concurrency',
  'maxRequests',
  'pollInterval',
  'clientTimeout',
);

async function loadMain(rest: string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    rest,
    { ...OUTPUT_FLAGS, ...limitFlags(LOAD_LIMITS), url: { type: 'string' } },
    {
      usage: `usage: ${NAME} load [--url URL] [--json] [--out DIR] [options]

Sends GET /leak?key=N and /fixed?key=N alternately (a new key each time) to a running
\`${NAME} server\` and charts both caches from its /metrics, live on a terminal.
  --url URL                the server (default http://127.0.0.1:${DEFAULT_PORT})
  --json, --out DIR        as for the demos
${limitsHelp(LOAD_LIMITS)}
`,
    },
  );
  rejectPositionals(positionals);
  const url = values.url ?? `http://127.0.0.1:${DEFAULT_PORT}`;
  if (!/^http:\/\/[^/]+\/?$/.test(url))
    throw new CliError('ERR_INVALID_ARG_VALUE', `--url must be http://host:port (got '${url}')`);
  const limits = readLimitFlags(LOAD_LIMITS, values);
  const json = values.json === true;
  // Ctrl-C ends the load early; the report covers what ran.
  process.once('SIGINT', () => interrupt.abort());
  const live: LoadSample[] = [];
  const r = await runLoad({
    url,
    ...limits,
    signal: interrupt.signal,
    onSample: json
      ? undefined
      : (s) => {
          live.push(s);
          if (tty) process.stdout.write(`\x1b[2J\x1b[H${loadScreen(live, true)}\n`);
        },
  });
  const text = () =>
    (tty ? '' : `${loadScreen(r.samples, false)}\n`) + `statuses: ${JSON.stringify(r.statuses)}`;
  await emit(r, text, [{ name: 'load', line: loadChart(r) }], { json, out: values.out });
}

runMain(
  NAME,
  async () => {
    const [command, ...rest] = argv[0] === '--' ? argv.slice(1) : argv;
    if (command === undefined || command === '--help' || command === '-h') {
      process.stdout.write(demoList(NAME));
      return;
    }
    if (command === 'server') return serverMain(rest);
    if (command === 'load') return loadMain(rest);
    if (command === 'diff') return diffMain(rest);
    if (!(command in DEMO_LIMITS)) {
      throw new CliError(
        'ERR_INVALID_ARG_VALUE',
        `unknown demo '${command}' (run ${NAME} with no argument for the list)`,
      );
    }
    process.once('SIGINT', () => interrupt.abort());
    try {
      await demoMain(command as DemoName, rest);
    } catch (err) {
      if (!interrupt.signal.aborted) throw err;
      process.stderr.write(`${NAME}: interrupted; child killed, temporary files removed\n`);
      process.exit(130);
    }
  },
  { usageErrors: [HeapSnapshotError] },
);
