import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, HelpRequested } from './errors.ts';
import { SUPERVISOR_ENV } from './supervised.ts';

/** The option table accepted by `node:util` `parseArgs`. */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** Flags every server CLI accepts (see {@link parseServerArgs}). */
export interface ServerArgs {
  /** Interface to bind. Default `127.0.0.1` (loopback: a teaching server is not exposed by accident). */
  host: string;
  /** TCP port, 0–65535; 0 asks the OS for an ephemeral port. */
  port: number;
  /** How long graceful shutdown may take before open connections are destroyed, in ms. */
  shutdownTimeout: number;
  /** pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. */
  logLevel: string;
  /**
   * Processes serving the port (`node:cluster`): 1 = this process alone (default); N > 1 = a
   * primary and N workers; `--workers 0` asks for one per CPU (`os.availableParallelism()`).
   */
  workers: number;
  /**
   * Started by a supervisor that watches over IPC (`NETLAB_SUPERVISOR=ipc`, set by `pnpm
   * start`): {@link serve} shuts down when that channel closes (see `supervised.ts`).
   */
  supervised: boolean;
}

/** Upper bound of `--workers`: more processes than this on one machine is a mistake. */
const MAX_WORKERS = 256;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const SERVER_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  'log-level': { type: 'string' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionTable;

export interface ParseServerArgsOptions<T extends OptionTable> {
  /** argv without `node` and the script, usually `process.argv.slice(2)`. */
  argv: readonly string[];
  /** Environment to read `HOST`, `PORT` and `LOG_LEVEL` from, usually `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /** The server's default port (the book's: tcp 8124, http 1337, ws 12010 …). */
  defaultPort: number;
  /** Package-specific flags, in `parseArgs` form; their values come back in `values`. */
  options?: T;
  /** Usage text printed for `--help` (the common flags are appended). */
  usage: string;
}

export interface ParsedServerArgs<T extends OptionTable> {
  server: ServerArgs;
  /** Raw values of the package-specific flags (validate them with {@link intFlag} & co.). */
  values: ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'];
}

/**
 * Parses a server's argv with `node:util` `parseArgs` (strict: unknown flags are errors) and
 * resolves the common flags: `--host`/`HOST`, `--port`/`PORT` (flag wins over env),
 * `--shutdown-timeout` (ms, default 5000), `--log-level`/`LOG_LEVEL` (default `info`), `--workers`/
 * `WORKERS` (default 1; 0 = one per CPU).
 *
 * @throws {HelpRequested} for `-h`/`--help` (the usage text plus the common flags;
 *   {@link runMain} prints it and exits 0).
 * @throws {CliError} `ERR_UNKNOWN_FLAG` for a flag the server does not have,
 *   `ERR_INVALID_ARG_VALUE` for a bad value or an argument a server does not take; the message
 *   names the flag.
 */
export function parseServerArgs<T extends OptionTable = Record<never, never>>(
  opts: ParseServerArgsOptions<T>,
): ParsedServerArgs<T> {
  const options = { ...SERVER_OPTIONS, ...(opts.options ?? {}) } as OptionTable;
  const parsed = parseFlags(opts.argv, options);
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help === true) throw new HelpRequested(serverHelp(opts.usage, opts.defaultPort));
  rejectPositionals(parsed.positionals);
  const host = stringFlag('--host', v.host) ?? opts.env.HOST ?? '127.0.0.1';
  if (host === '') throw new CliError('ERR_INVALID_ARG_VALUE', '--host must not be empty');
  const portText = stringFlag('--port', v.port) ?? opts.env.PORT;
  const port =
    portText === undefined
      ? opts.defaultPort
      : intFlag(v.port !== undefined ? '--port' : 'PORT', portText, { min: 0, max: 65_535 });
  const shutdownTimeout = intFlag('--shutdown-timeout', v['shutdown-timeout'], {
    min: 0,
    max: 600_000,
    default: 5_000,
  });
  const logLevel = stringFlag('--log-level', v['log-level']) ?? opts.env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.has(logLevel)) {
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `--log-level must be one of ${[...LOG_LEVELS].join(', ')} (got '${logLevel}')`,
    );
  }
  const workersFlag = intFlag(
    v.workers !== undefined ? '--workers' : 'WORKERS',
    v.workers ?? opts.env.WORKERS,
    {
      min: 0,
      max: MAX_WORKERS,
      default: 1,
    },
  );
  const workers = workersFlag === 0 ? availableParallelism() : workersFlag;
  return {
    server: {
      host,
      port,
      shutdownTimeout,
      logLevel,
      workers,
      supervised: opts.env[SUPERVISOR_ENV] === 'ipc',
    },
    values: parsed.values as ParsedServerArgs<T>['values'],
  };
}

function serverHelp(usage: string, defaultPort: number): string {
  return `${usage.trimEnd()}

Common options:
  --host HOST              interface to bind (env HOST, default 127.0.0.1)
  --port N                 port, 0 = ephemeral (env PORT, default ${defaultPort})
  --shutdown-timeout MS    graceful shutdown limit (default 5000)
  --log-level LEVEL        fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL, default info)
  --workers N              processes sharing the port (node:cluster), 0 = one per CPU
                           (env WORKERS, default 1)
  -h, --help               this text
`;
}

/**
 * Refuses arguments a command does not take (`tcp-server 8124` instead of `--port 8124`).
 *
 * @throws {CliError} `ERR_INVALID_ARG_VALUE` naming the first one.
 */
export function rejectPositionals(positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `unexpected argument '${positionals[0]}' (see --help)`,
    );
  }
}

/**
 * `node:util` `parseArgs` for any netlab CLI (servers, clients, demos): strict (unknown flags are
 * errors), positionals allowed, and a leading `--` dropped (pnpm passes the `--` of
 * `pnpm --filter x client -- --flag` through to the script).
 *
 * @throws {CliError} `ERR_UNKNOWN_FLAG` / `ERR_INVALID_ARG_VALUE`, naming the flag.
 */
export function parseFlags<T extends OptionTable>(
  argv: readonly string[],
  options: T,
  opts: { usage?: string } = {},
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: true }>> {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const table: OptionTable =
    opts.usage === undefined ? options : { ...options, help: { type: 'boolean', short: 'h' } };
  let parsed;
  try {
    parsed = parseArgs({ args, options: table, strict: true, allowPositionals: true });
  } catch (err) {
    throw toCliError(err);
  }
  if (opts.usage !== undefined && (parsed.values as { help?: boolean }).help === true) {
    throw new HelpRequested(`${opts.usage.trimEnd()}\n`);
  }
  return parsed as ReturnType<
    typeof parseArgs<{ options: T; strict: true; allowPositionals: true }>
  >;
}

/** Turns a `parseArgs` error into a one-line {@link CliError} that names the flag. */
export function toCliError(err: unknown): CliError {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(e.message ?? '')?.[1] ?? 'flag';
    return new CliError('ERR_UNKNOWN_FLAG', `unknown flag ${flag} (see --help)`);
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new CliError('ERR_INVALID_ARG_VALUE', firstLine(e.message));
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new CliError('ERR_INVALID_ARG_VALUE', firstLine(e.message));
  }
  return new CliError('ERR_INVALID_ARG_VALUE', firstLine(e.message ?? String(err)));
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0] ?? '';
}

function stringFlag(name: string, value: string | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new CliError('ERR_INVALID_ARG_VALUE', `${name} takes a value`);
  return value;
}

export interface IntFlagOptions {
  min: number;
  max: number;
  /** Returned when the flag is absent; without it an absent flag is an error. */
  default?: number;
}

/**
 * Validates an integer flag: decimal digits only (no `1e3`, no `0x10`, no trailing junk), in
 * `[min, max]`.
 *
 * @throws {CliError} `ERR_INVALID_ARG_VALUE` naming `name`; `ERR_MISSING_ARGS` when absent and
 *   no default was given.
 */
export function intFlag(
  name: string,
  value: string | boolean | undefined,
  opts: IntFlagOptions,
): number {
  if (value === undefined) {
    if (opts.default !== undefined) return opts.default;
    throw new CliError('ERR_MISSING_ARGS', `${name} is required`);
  }
  const text = stringFlag(name, value) ?? '';
  if (!/^\d+$/.test(text)) {
    throw new CliError('ERR_INVALID_ARG_VALUE', `${name} must be an integer (got '${text}')`);
  }
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < opts.min || n > opts.max) {
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `${name} must be between ${opts.min} and ${opts.max} (got ${text})`,
    );
  }
  return n;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Validates a size flag in bytes: `65536`, `64k`/`64KiB`, `16m`/`16MiB`, `1g` (binary units).
 *
 * @throws {CliError} `ERR_INVALID_ARG_VALUE` naming `name`.
 */
export function bytesFlag(
  name: string,
  value: string | boolean | undefined,
  opts: IntFlagOptions,
): number {
  if (value === undefined && opts.default !== undefined) return opts.default;
  const text = stringFlag(name, value) ?? '';
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `${name} must be a size like 65536, 64k or 16m (got '${text}')`,
    );
  }
  return intFlag(name, String(Number(m[1]) * unit), opts);
}

/** Validates a flag that must be one of `choices`. @throws {CliError} `ERR_INVALID_ARG_VALUE`. */
export function choiceFlag<C extends string>(
  name: string,
  value: string | boolean | undefined,
  choices: readonly C[],
  fallback: C,
): C {
  if (value === undefined) return fallback;
  const text = stringFlag(name, value);
  if (!choices.includes(text as C)) {
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `${name} must be one of ${choices.join(', ')} (got '${text}')`,
    );
  }
  return text as C;
}
