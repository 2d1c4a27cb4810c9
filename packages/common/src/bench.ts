/**
 * Benchmark helper used by every package's `bench` script. Speed goals live here, never in
 * timed tests: contenders run alternately (A B A B …) in one process tree so machine drift
 * hits both, each pair gives a ratio, and the report quotes medians.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';

/** One run's measurements, e.g. `{ 'msgs/s': 81234, 'MiB/s': 79.3, 'p99 ms': 4.1 }`. */
export type Metrics = Record<string, number>;

export interface Stat {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export interface ContenderResult {
  name: string;
  metrics: Record<string, Stat>;
}

export interface RatioResult {
  /** `of / to` of `metric`, one value per alternated pair of runs. */
  of: string;
  to: string;
  /** The metric compared: the case's primary, or one of its `ratioMetrics`. */
  metric: string;
  perPair: number[];
  median: number;
}

export interface CaseResult {
  name: string;
  primary: string;
  higherIsBetter: boolean;
  contenders: ContenderResult[];
  ratios: RatioResult[];
}

export interface BenchFile {
  package: string;
  title: string;
  date: string;
  node: string;
  machine: { cpu: string; cores: number; memoryGiB: number; platform: string };
  pinning: string;
  runs: number;
  warmup: number;
  cases: CaseResult[];
  notes: string[];
}

export interface CompareSpec {
  /** Case name, e.g. `echo 16 B`. */
  name: string;
  /** Contenders in report order; the first is netlab's, ratios are first ÷ each other. */
  contenders: Record<string, () => Promise<Metrics>>;
  /** The metric the ratio is taken of, e.g. `msgs/s`. */
  primary: string;
  /** Default true (throughput); false for times and bytes. */
  higherIsBetter?: boolean;
  /**
   * More metrics to take per-pair ratios of, after `primary`: e.g. `server µs/req` (server CPU
   * per request, see {@link processCpuMs}), the steadiest figure on a shared machine.
   */
  ratioMetrics?: readonly string[];
}

export interface BenchOptions {
  /** Package name, e.g. `ws-server`; names the result file. */
  package: string;
  /** Heading in the report. Default: the package name. */
  title?: string;
  /** Counted runs per contender. Default 5 (`BENCH_RUNS` is read by the bench script, not here). */
  runs?: number;
  /** Uncounted warm-up runs per contender. Default 1. */
  warmup?: number;
  /** Directory for `<package>.json`. Default `bench/results` under the current directory. */
  outDir?: string;
  /** Where the tables are printed. Default stdout. */
  print?: (text: string) => void;
}

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The `q`-quantile (0–1) of a list by nearest rank, e.g. `quantile(latencies, 0.99)`. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

function stat(samples: number[]): Stat {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
}

let tasksetChecked: boolean | undefined;

/** True when `taskset` exists and this machine has at least two CPUs to split. */
export function canPin(): boolean {
  tasksetChecked ??=
    os.availableParallelism() >= 2 &&
    spawnSync('taskset', ['-p', String(process.pid)]).status === 0;
  return tasksetChecked;
}

/**
 * The argv prefix that runs a command on one CPU: `['taskset', '-c', '0']`, or `[]` when
 * pinning is not available (see {@link canPin}). Convention: servers on CPU 0, load on CPU 1.
 */
export function pinnedCommand(cpu: number): string[] {
  return canPin() ? ['taskset', '-c', String(cpu)] : [];
}

/** Pins this process (all its threads) to `cpu`; returns false when it could not. */
export function pinSelf(cpu: number): boolean {
  if (!canPin()) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * A benchmark session: {@link Bench.compare} cases, then {@link Bench.finish} prints a table
 * and writes the JSON that `pnpm bench` gathers into `bench/REPORT.md`.
 */
export class Bench {
  readonly #opts: Required<Omit<BenchOptions, 'title'>> & { title: string };
  readonly #cases: CaseResult[] = [];
  readonly #notes: string[] = [];

  constructor(opts: BenchOptions) {
    this.#opts = {
      package: opts.package,
      title: opts.title ?? opts.package,
      runs: opts.runs ?? 5,
      warmup: opts.warmup ?? 1,
      outDir: opts.outDir ?? join(process.cwd(), 'bench', 'results'),
      print: opts.print ?? ((text) => process.stdout.write(text)),
    };
    if (!canPin())
      this.note(
        'taskset unavailable or a single CPU: server and load share CPUs (noisier figures).',
      );
  }

  /** Adds a line to the report's notes (method, caveats). */
  note(text: string): void {
    this.#notes.push(text);
  }

  /**
   * Runs every contender `warmup` times (discarded), then `runs` times alternately
   * (A B C A B C …), and returns per-metric medians and the per-pair ratios of `primary`.
   */
  async compare(spec: CompareSpec): Promise<CaseResult> {
    const names = Object.keys(spec.contenders);
    const { runs, warmup } = this.#opts;
    const total = (runs + warmup) * names.length;
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            format: `${spec.name.padEnd(28)} [{bar}] {value}/{total} {contender}`,
            clearOnComplete: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    bar?.start(total, 0, { contender: '' });
    const samples = new Map<string, Metrics[]>(names.map((n) => [n, []]));
    for (let round = 0; round < runs + warmup; round += 1) {
      for (const name of names) {
        bar?.update({ contender: name });
        const metrics = await spec.contenders[name]!();
        if (round >= warmup) samples.get(name)!.push(metrics);
        bar?.increment();
      }
    }
    bar?.stop();
    const contenders: ContenderResult[] = names.map((name) => {
      const runsOf = samples.get(name)!;
      const keys = Object.keys(runsOf[0] ?? {});
      return {
        name,
        metrics: Object.fromEntries(keys.map((k) => [k, stat(runsOf.map((m) => m[k]!))])),
      };
    });
    const first = samples.get(names[0]!)!;
    const ratios = [spec.primary, ...(spec.ratioMetrics ?? [])].flatMap((metric) =>
      names.slice(1).map((other): RatioResult => {
        const theirs = samples.get(other)!;
        const perPair = first.map((m, i) => m[metric]! / theirs[i]![metric]!);
        return { of: names[0]!, to: other, metric, perPair, median: median(perPair) };
      }),
    );
    const result: CaseResult = {
      name: spec.name,
      primary: spec.primary,
      higherIsBetter: spec.higherIsBetter ?? true,
      contenders,
      ratios,
    };
    this.#cases.push(result);
    this.#opts.print(formatCase(result));
    return result;
  }

  /** Writes `<outDir>/<package>.json` and returns the whole result. */
  finish(): BenchFile {
    const cpus = os.cpus();
    const file: BenchFile = {
      package: this.#opts.package,
      title: this.#opts.title,
      date: new Date().toISOString(),
      node: process.version,
      machine: {
        cpu: cpus[0]?.model.trim() ?? 'unknown',
        // os.cpus(), not availableParallelism(): the latter follows this process's CPU affinity (pinSelf).
        cores: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
        platform: `${os.platform()} ${os.release()}`,
      },
      pinning: canPin() ? 'servers on CPU 0, load generators on CPU 1 (taskset)' : 'none',
      runs: this.#opts.runs,
      warmup: this.#opts.warmup,
      cases: this.#cases,
      notes: this.#notes,
    };
    mkdirSync(this.#opts.outDir, { recursive: true });
    const path = join(this.#opts.outDir, `${this.#opts.package}.json`);
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
    this.#opts.print(`\nwrote ${path}\n`);
    return file;
  }
}

/** Formats a number for a table: 3 significant digits, thousands separated. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A Markdown table of one case: a row per contender, a column per metric (medians), ratios after. */
export function formatCase(c: CaseResult): string {
  const metrics = Object.keys(c.contenders[0]?.metrics ?? {});
  const head = `| ${c.name} | ${metrics.join(' | ')} |\n|---|${metrics.map(() => '---:').join('|')}|\n`;
  const rows = c.contenders
    .map(
      (r) =>
        `| ${r.name} | ${metrics.map((m) => formatNumber(r.metrics[m]?.median ?? Number.NaN)).join(' | ')} |`,
    )
    .join('\n');
  const ratios = c.ratios
    .map(
      (r) =>
        `ratio ${r.of} / ${r.to} (${r.metric ?? c.primary}, median of ${r.perPair.length} pairs): **${r.median.toFixed(2)}×** (pairs: ${r.perPair.map((x) => x.toFixed(2)).join(', ')})`,
    )
    .join('\n');
  return `\n${head}${rows}\n${ratios ? `\n${ratios}\n` : ''}`;
}
