/**
 * One table of limits per package: every size and every wait a server or client has, with its
 * default, bounds, unit and help line. The library's option resolution ({@link resolveLimits})
 * and the CLI's flags and `--help` ({@link limitFlags}, {@link readLimitFlags},
 * {@link limitsHelp}) read the same table, so a bound cannot be written twice and drift.
 *
 * ```ts
 * export const LIMITS = {
 *   maxPayload: { default: 16 * 1024 * 1024, min: 1, max: 1024 ** 3, unit: 'bytes',
 *                 help: 'largest message; over it → close 1009' },
 * } as const satisfies LimitTable;
 * ```
 */
import { bytesFlag, intFlag, type OptionTable } from './cli.ts';
import { validateInteger } from './validate.ts';

/** What a limit counts: `bytes` (flags take `64k`, `16m`), `ms`, or a plain `count`. */
export type LimitUnit = 'bytes' | 'ms' | 'count';

/** One limit. Every bound is inclusive. */
export interface Limit {
  /** The value used when the option is not given; `undefined`: no limit unless set. */
  readonly default: number | undefined;
  /** How `--help` names an `undefined` default, e.g. `unlimited`. Default `none`. */
  readonly unset?: string;
  readonly min: number;
  readonly max: number;
  readonly unit: LimitUnit;
  /** One line for `--help`, e.g. `largest message; over it → close 1009`. */
  readonly help: string;
  /**
   * The CLI flag, e.g. `--heartbeat`. Default: the key in kebab case (`maxPayload` →
   * `--max-payload`). `false`: a library option with no flag.
   */
  readonly flag?: string | false;
}

/** A package's limits, keyed by option name (the name `createXServer` takes). */
export type LimitTable = Readonly<Record<string, Limit>>;

/** The resolved values of a table: numbers, or `undefined` for an unset limit without default. */
export type LimitValues<T extends LimitTable> = {
  -readonly [K in keyof T]: T[K]['default'] extends number ? number : number | undefined;
};

/** The options a table accepts: any subset, each a number (or `undefined` for the default). */
export type LimitOptions<T extends LimitTable> = { readonly [K in keyof T]?: number | undefined };

/**
 * Validates the given options against the table and fills in the defaults. With `prefix`
 * (e.g. `perMessageDeflate.`) errors name a nested option by its whole path.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` naming the option
 *   (see `validateInteger`).
 */
export function resolveLimits<T extends LimitTable>(
  table: T,
  options: LimitOptions<T> = {},
  { prefix = '' }: { prefix?: string } = {},
): LimitValues<T> {
  const out: Record<string, number | undefined> = {};
  for (const [key, limit] of Object.entries(table)) {
    const given = options[key];
    out[key] =
      given === undefined
        ? limit.default
        : validateInteger(given, `${prefix}${key}`, { min: limit.min, max: limit.max });
  }
  return out as LimitValues<T>;
}

/**
 * The rows `keys` of `table`, in that order: one command's part of a package's table (a
 * server CLI and a client CLI each show only their own flags, from the same rows).
 */
export function pickLimits<T extends LimitTable, K extends keyof T & string>(
  table: T,
  keys: readonly K[],
): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, table[key]])) as Pick<T, K>;
}

/** The flag of a limit (`--max-payload`), or `undefined` for a library-only limit. */
export function flagName(key: string, limit: Limit): string | undefined {
  if (limit.flag === false) return undefined;
  return limit.flag ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The `parseArgs` option table for every limit that has a flag (all take a value). */
export function limitFlags(table: LimitTable): OptionTable {
  const options: OptionTable = {};
  for (const [key, limit] of Object.entries(table)) {
    const flag = flagName(key, limit);
    if (flag !== undefined) options[flag.slice(2)] = { type: 'string' };
  }
  return options;
}

/**
 * Reads every limit's flag from `parseArgs` values: sizes accept `64k`/`16m`, the rest decimal
 * integers; an absent flag gives the default. Library-only limits get their default.
 *
 * @throws {CliError} `ERR_INVALID_ARG_VALUE` naming the flag (the CLI exits 2).
 */
export function readLimitFlags<T extends LimitTable>(
  table: T,
  values: Readonly<Record<string, unknown>>,
): LimitValues<T> {
  const out: Record<string, number | undefined> = {};
  for (const [key, limit] of Object.entries(table)) {
    const flag = flagName(key, limit);
    const raw =
      flag === undefined ? undefined : (values[flag.slice(2)] as string | boolean | undefined);
    if (flag === undefined || raw === undefined) {
      out[key] = limit.default;
      continue;
    }
    const bounds = { min: limit.min, max: limit.max };
    out[key] = limit.unit === 'bytes' ? bytesFlag(flag, raw, bounds) : intFlag(flag, raw, bounds);
  }
  return out as LimitValues<T>;
}

const METAVAR: Record<LimitUnit, string> = { bytes: 'SIZE', ms: 'MS', count: 'N' };

/**
 * `--help` lines for every limit with a flag: `  --max-payload SIZE   largest message (default
 * 16m)`. Sizes are shown as the flag accepts them (`64k`, `16m`).
 */
export function limitsHelp(table: LimitTable, width = 25): string {
  const lines: string[] = [];
  for (const [key, limit] of Object.entries(table)) {
    const flag = flagName(key, limit);
    if (flag === undefined) continue;
    const left = `${flag} ${METAVAR[limit.unit]}`;
    const shown =
      limit.default === undefined
        ? `default: ${limit.unset ?? 'none'}`
        : `default ${limit.unit === 'bytes' ? formatSize(limit.default) : limit.default}`;
    lines.push(`  ${left.padEnd(width)}${left.length >= width ? ' ' : ''}${limit.help} (${shown})`);
  }
  return lines.join('\n');
}

/** A byte count the way size flags accept it: `16m`, `64k`, `1g`, or plain bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
