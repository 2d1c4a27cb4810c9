import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  bytesFlag,
  choiceFlag,
  CliError,
  exitCodeFor,
  HelpRequested,
  intFlag,
  parseFlags,
  parseServerArgs,
} from '../src/index.ts';

const base = { env: {}, defaultPort: 8124, usage: 'usage: x' };

function cliError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return err as CliError;
  }
  throw new Error('expected a CliError');
}

describe('parseServerArgs', () => {
  it('uses the default port and loopback host when nothing is given', () => {
    const { server } = parseServerArgs({ ...base, argv: [] });
    expect(server).toEqual({
      host: '127.0.0.1',
      port: 8124,
      shutdownTimeout: 5000,
      logLevel: 'info',
      workers: 1,
      supervised: false,
    });
  });

  it('NETLAB_SUPERVISOR=ipc (set by pnpm start) marks the server as supervised', () => {
    const env = { NETLAB_SUPERVISOR: 'ipc' };
    expect(parseServerArgs({ ...base, argv: [], env }).server.supervised).toBe(true);
    expect(parseServerArgs({ ...base, argv: [], env: {} }).server.supervised).toBe(false);
  });

  it('--workers / WORKERS: a count, 0 = one per CPU', () => {
    expect(parseServerArgs({ ...base, argv: ['--workers', '3'] }).server.workers).toBe(3);
    expect(parseServerArgs({ ...base, env: { WORKERS: '2' }, argv: [] }).server.workers).toBe(2);
    expect(parseServerArgs({ ...base, argv: ['--workers', '0'] }).server.workers).toBe(
      availableParallelism(),
    );
    expect(
      cliError(() => parseServerArgs({ ...base, env: { WORKERS: 'x' }, argv: [] })).message,
    ).toBe("WORKERS must be an integer (got 'x')");
  });

  it('takes PORT/HOST/LOG_LEVEL from env, and a flag wins over env', () => {
    const env = { PORT: '9000', HOST: '::1', LOG_LEVEL: 'debug' };
    expect(parseServerArgs({ ...base, env, argv: [] }).server).toMatchObject({
      port: 9000,
      host: '::1',
      logLevel: 'debug',
    });
    expect(parseServerArgs({ ...base, env, argv: ['--port', '0'] }).server.port).toBe(0);
  });

  it.each([
    [['--port', '70000'], 'ERR_INVALID_ARG_VALUE', '--port must be between 0 and 65535'],
    [['--port', 'abc'], 'ERR_INVALID_ARG_VALUE', "--port must be an integer (got 'abc')"],
    [['--port', '80.5'], 'ERR_INVALID_ARG_VALUE', '--port must be an integer'],
    [['--port', '-1'], 'ERR_INVALID_ARG_VALUE', '--port'],
    [['--bogus'], 'ERR_UNKNOWN_FLAG', 'unknown flag --bogus'],
    [['--log-level', 'loud'], 'ERR_INVALID_ARG_VALUE', '--log-level must be one of'],
    [
      ['--shutdown-timeout', '1e3'],
      'ERR_INVALID_ARG_VALUE',
      '--shutdown-timeout must be an integer',
    ],
  ])('rejects %j with %s naming the flag', (argv, code, message) => {
    const err = cliError(() => parseServerArgs({ ...base, argv }));
    expect(err.code).toBe(code);
    expect(exitCodeFor(err)).toBe(2);
    expect(err.message).toContain(message);
    expect(err.message).not.toContain('\n');
  });

  it('names PORT when the bad value came from the environment', () => {
    const err = cliError(() => parseServerArgs({ ...base, env: { PORT: 'http' }, argv: [] }));
    expect(err.message).toMatch(/^PORT must be an integer/);
  });

  it('returns package flags and positionals, and drops the -- pnpm passes through', () => {
    const parsed = parseServerArgs({
      ...base,
      argv: ['--', '--framing', 'line'],
      options: { framing: { type: 'string' } },
    });
    expect(parsed.values.framing).toBe('line');
  });

  it('refuses an argument a server does not take, naming it', () => {
    const err = cliError(() => parseServerArgs({ ...base, argv: ['8124'] }));
    expect(err.message).toBe("unexpected argument '8124' (see --help)");
  });

  it('--help throws HelpRequested (exit 0) with the usage and the common flags', () => {
    let thrown: unknown;
    try {
      parseServerArgs({ ...base, argv: ['-h', '--port', 'not-checked'] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HelpRequested);
    const help = thrown as HelpRequested;
    expect(exitCodeFor(help)).toBe(0);
    expect(help.text).toMatch(/^usage: x\n/);
    expect(help.text).toContain('--port N');
    expect(help.text).toContain('default 8124');
  });
});

describe('flag validators', () => {
  it('intFlag: default when absent, required without a default', () => {
    expect(intFlag('--n', undefined, { min: 0, max: 9, default: 3 })).toBe(3);
    expect(cliError(() => intFlag('--n', undefined, { min: 0, max: 9 })).code).toBe(
      'ERR_MISSING_ARGS',
    );
    expect(intFlag('--n', '9', { min: 0, max: 9 })).toBe(9);
    expect(cliError(() => intFlag('--n', '10', { min: 0, max: 9 })).message).toBe(
      '--n must be between 0 and 9 (got 10)',
    );
  });

  it('bytesFlag: binary units, range checked after scaling', () => {
    expect(bytesFlag('--max', '65536', { min: 1, max: 2 ** 30 })).toBe(65_536);
    expect(bytesFlag('--max', '64k', { min: 1, max: 2 ** 30 })).toBe(65_536);
    expect(bytesFlag('--max', '16MiB', { min: 1, max: 2 ** 30 })).toBe(16 * 1024 * 1024);
    expect(cliError(() => bytesFlag('--max', '2g', { min: 1, max: 2 ** 30 })).message).toContain(
      '--max must be between',
    );
    expect(
      cliError(() => bytesFlag('--max', '12 parsecs', { min: 1, max: 2 ** 30 })).message,
    ).toContain('--max must be a size');
  });

  it('choiceFlag: one of the choices or the fallback', () => {
    expect(choiceFlag('--framing', undefined, ['echo', 'line'], 'echo')).toBe('echo');
    expect(choiceFlag('--framing', 'line', ['echo', 'line'], 'echo')).toBe('line');
    expect(cliError(() => choiceFlag('--framing', 'xml', ['echo', 'line'], 'echo')).message).toBe(
      "--framing must be one of echo, line (got 'xml')",
    );
  });

  it('parseFlags with a usage: -h throws HelpRequested with it; without one, -h is unknown', () => {
    let thrown: unknown;
    try {
      parseFlags(['-h'], {}, { usage: 'usage: client URL' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HelpRequested);
    expect(exitCodeFor(thrown)).toBe(0);
    expect((thrown as HelpRequested).text).toBe('usage: client URL\n');
    expect(cliError(() => parseFlags(['--help'], {})).code).toBe('ERR_UNKNOWN_FLAG');
  });

  it('parseFlags: a missing value names the flag in one line', () => {
    const err = cliError(() =>
      parseFlags(['--max-sockets'], { 'max-sockets': { type: 'string' } }),
    );
    expect(err.message).toContain('--max-sockets');
    expect(err.message).not.toContain('\n');
  });
});
