/**
 * The demos as CLI commands: name, book section, one-line summary, flags and usage, and how to
 * run each from parsed flag values. `main.ts` reads argv, picks the command and prints; nothing
 * here reads argv or writes to stdout.
 */
import {
  flagName,
  limitFlags,
  limitsHelp,
  readLimitFlags,
  type LimitTable,
  type LimitValues,
  type OptionTable,
} from 'common';
import type { Chart } from './charts.ts';
import { allocationDemo, formatAllocation } from './demos/allocation.ts';
import { concatDemo, formatConcat } from './demos/concat.ts';
import { encodingsDemo, formatEncodings } from './demos/encodings.ts';
import { formatGarbled, garbledDemo } from './demos/garbled.ts';
import { formatHighWaterMark, highWaterMarkDemo } from './demos/highwatermark.ts';
import { formatStaticContent } from './demos/static-content/format.ts';
import { staticContentDemo } from './demos/static-content/index.ts';
import { formatStructure, structureDemo } from './demos/structure.ts';
import {
  ALLOCATION_LIMITS,
  CONCAT_LIMITS,
  HIGHWATERMARK_LIMITS,
  QUICK,
  STATIC_CONTENT_LIMITS,
} from './limits.ts';
import type { Progress } from './progress.ts';

/** What a command gets besides its flags. */
export interface DemoContext {
  /** Aborted on Ctrl-C: the demo stops, removes what it created and rejects. */
  signal: AbortSignal;
  /** `--quick`: smaller sizes and shorter runs for the long demos (flags given still win). */
  quick: boolean;
  /** A progress bar for a long demo (a no-op when stderr is not a terminal). */
  progress(label: string): Progress;
  /** Pin child servers to CPU 0 and this process to CPU 1 (taskset), when available. */
  pin: boolean;
}

/** A demo's output: the data (`--json`), its text, and its charts. */
export interface DemoOutput {
  data: object;
  text: string;
  charts(): Promise<Chart[]>;
}

/** One demo command. */
export interface DemoCommand {
  name: string;
  section: string;
  summary: string;
  /** Flags beyond the common `--json`, `--out DIR`, `--help`. */
  flags: OptionTable;
  /** The command's own lines for `--help`. */
  help: string;
  run(values: Readonly<Record<string, unknown>>, ctx: DemoContext): Promise<DemoOutput>;
}

const QUICK_FLAG = { quick: { type: 'boolean' } } as const satisfies OptionTable;
const QUICK_HELP =
  '  --quick                  smaller and shorter (for a first look; flags given win)';

/** Limit values from flags, with `--quick` values for the flags that were not given. */
function limitsWithQuick<T extends LimitTable>(
  table: T,
  values: Readonly<Record<string, unknown>>,
  quick: Readonly<Partial<Record<keyof T & string, number>>> | undefined,
): LimitValues<T> {
  const resolved: Record<string, number | undefined> = readLimitFlags(table, values);
  for (const [key, value] of Object.entries(quick ?? {})) {
    const flag = flagName(key, table[key]!);
    if (flag === undefined || values[flag.slice(2)] === undefined) resolved[key] = value as number;
  }
  return resolved as LimitValues<T>;
}

const noCharts = async (): Promise<Chart[]> => [];

export const DEMOS: readonly DemoCommand[] = [
  {
    name: 'structure',
    section: '§6.1',
    summary:
      "bytes 0–255, -100 → 156, '深入浅出node.js' in UTF-8, alloc vs allocUnsafe's stale bytes",
    flags: {},
    help: '',
    async run() {
      const data = structureDemo();
      return { data, text: formatStructure(data), charts: noCharts };
    },
  },
  {
    name: 'allocation',
    section: '§6.1.3',
    summary:
      'the slab: Buffer.poolSize, pooled vs own ArrayBuffer, a kept slice pins its memory, SlowBuffer',
    flags: limitFlags(ALLOCATION_LIMITS),
    help: limitsHelp(ALLOCATION_LIMITS),
    async run(values) {
      const data = allocationDemo(readLimitFlags(ALLOCATION_LIMITS, values));
      const { allocationCharts } = await import('./charts.ts');
      return { data, text: formatAllocation(data), charts: () => allocationCharts(data) };
    },
  },
  {
    name: 'encodings',
    section: '§6.2',
    summary:
      'round trips through every Buffer encoding, isEncoding, GBK/GB2312/Big5 via iconv-lite',
    flags: {},
    help: '',
    async run() {
      const data = encodingsDemo();
      return { data, text: formatEncodings(data), charts: noCharts };
    },
  },
  {
    name: 'garbled',
    section: '§6.3',
    summary:
      '《静夜思》 with highWaterMark 11: U+FFFD from data += chunk, and four fixes (also GBK)',
    flags: {},
    help: '',
    async run(_values, ctx) {
      const data = await garbledDemo({ signal: ctx.signal });
      return { data, text: formatGarbled(data), charts: noCharts };
    },
  },
  {
    name: 'concat',
    section: '§6.3.3',
    summary: '+= of chunks vs Buffer.concat(chunks, total): correctness, time and memory',
    flags: { ...limitFlags(CONCAT_LIMITS), ...QUICK_FLAG },
    help: `${limitsHelp(CONCAT_LIMITS)}\n${QUICK_HELP}`,
    async run(values, ctx) {
      const data = concatDemo(
        limitsWithQuick(CONCAT_LIMITS, values, ctx.quick ? QUICK.concat : undefined),
      );
      const { concatCharts } = await import('./charts.ts');
      return { data, text: formatConcat(data), charts: () => concatCharts(data) };
    },
  },
  {
    name: 'static-content',
    section: '§6.4',
    summary:
      "the book's string-vs-Buffer HTTP test with autocannon, server CPU/request, and why not 2×",
    flags: {
      ...limitFlags(STATIC_CONTENT_LIMITS),
      ...QUICK_FLAG,
      'no-profile': { type: 'boolean' },
    },
    help: `${limitsHelp(STATIC_CONTENT_LIMITS)}\n${QUICK_HELP}\n  --no-profile             skip the --cpu-prof run of each route`,
    async run(values, ctx) {
      const limits = limitsWithQuick(
        STATIC_CONTENT_LIMITS,
        values,
        ctx.quick ? QUICK.staticContent : undefined,
      );
      const bar = ctx.progress('static-content');
      let data;
      try {
        data = await staticContentDemo({
          ...limits,
          pin: ctx.pin,
          profile: values['no-profile'] !== true,
          signal: ctx.signal,
          onProgress: (done, total, step) => bar.update(done, total, step),
        });
      } finally {
        bar.stop();
      }
      const result = data;
      const { staticContentCharts } = await import('./charts.ts');
      return { data, text: formatStaticContent(data), charts: () => staticContentCharts(result) };
    },
  },
  {
    name: 'highwatermark',
    section: '§6.4.1',
    summary: 'fs.createReadStream at highWaterMark 1 KiB … 4 MiB: data events and MB/s, chart',
    flags: { ...limitFlags(HIGHWATERMARK_LIMITS), ...QUICK_FLAG },
    help: `${limitsHelp(HIGHWATERMARK_LIMITS)}\n${QUICK_HELP}`,
    async run(values, ctx) {
      const limits = limitsWithQuick(
        HIGHWATERMARK_LIMITS,
        values,
        ctx.quick ? QUICK.highwatermark : undefined,
      );
      const bar = ctx.progress('highwatermark');
      let data;
      try {
        data = await highWaterMarkDemo({
          ...limits,
          signal: ctx.signal,
          onProgress: (done, total) => bar.update(done, total),
        });
      } finally {
        bar.stop();
      }
      const result = data;
      const { highWaterMarkCharts } = await import('./charts.ts');
      return { data, text: formatHighWaterMark(data), charts: () => highWaterMarkCharts(result) };
    },
  },
];
