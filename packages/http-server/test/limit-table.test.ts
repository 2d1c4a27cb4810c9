/**
 * One table of limits, read by the library and by both CLIs: the same value is accepted or
 * refused by `createHttpServer`/`request`/`runLoad` and by the flags, and `--help` shows the
 * table's defaults.
 */
import { fileURLToPath } from 'node:url';
import {
  CliError,
  flagName,
  formatSize,
  InvalidArgumentError,
  readLimitFlags,
  type LimitTable,
} from 'common';
import { execMain } from 'common/harness';
import { describe, expect, it } from 'vitest';
import { runLoad } from '../src/agent-pool.ts';
import { request } from '../src/client.ts';
import { CLIENT_LIMITS, LIMITS } from '../src/limits.ts';
import { resolveOptions } from '../src/options.ts';
import { createHttpServer } from '../src/server.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** `[key, limit]` rows of a table, for `it.each`. */
function rows(table: LimitTable): [string, LimitTable[string]][] {
  return Object.entries(table);
}

/** The error `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

/** `readLimitFlags` input for one flag, as `parseArgs` would give it. */
function flagValue(key: string, table: LimitTable, value: number): Record<string, string> {
  return { [flagName(key, table[key]!)!.slice(2)]: String(value) };
}

describe('LIMITS: createHttpServer and the server flags read the same bounds', () => {
  // requestTimeout 0 (off) keeps the headersTimeout <= requestTimeout cross-check out of the way.
  const base = { requestTimeout: 0 };

  it.each(rows(LIMITS))('%s: min and max accepted by both', (key, limit) => {
    for (const value of [limit.min, limit.max]) {
      expect(resolveOptions({ ...base, [key]: value })).toMatchObject({ [key]: value });
      expect(readLimitFlags(LIMITS, flagValue(key, LIMITS, value))).toMatchObject({
        [key]: value,
      });
    }
  });

  it.each(rows(LIMITS))('%s: max + 1 refused by both, naming the option / flag', (key, limit) => {
    const lib = thrown(() => resolveOptions({ ...base, [key]: limit.max + 1 }));
    expect(lib).toBeInstanceOf(InvalidArgumentError);
    expect(lib.code).toBe('ERR_OUT_OF_RANGE');
    expect(lib.message).toContain(`"${key}"`);
    const cli = thrown(() => readLimitFlags(LIMITS, flagValue(key, LIMITS, limit.max + 1)));
    expect(cli).toBeInstanceOf(CliError);
    expect(cli.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(cli.message).toContain(flagName(key, limit));
    expect(cli.message).toContain(`between ${limit.min} and ${limit.max}`);
  });

  it('the server refuses --max-headers-count 10001 with exit 2, and the library the same value', async () => {
    const { code, stderr } = await execMain(MAIN, ['--max-headers-count', '10001']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^http-server: --max-headers-count must be between 1 and 10000/);
    const err = thrown(() => createHttpServer({ maxHeadersCount: 10_001 }));
    expect(err).toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    expect(err.message).toMatch(/"maxHeadersCount".*<= 10000\. Received 10001/);
  });

  it('headersTimeout over requestTimeout: flags fine one by one, refused together with exit 2', async () => {
    const { code, stderr } = await execMain(MAIN, [
      '--headers-timeout',
      '20000',
      '--request-timeout',
      '10000',
    ]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      'http-server: The value of "headersTimeout" is out of range. It must be <= requestTimeout (10000). Received 20000',
    ]);
  });

  it('--help lists every limit with its flag and the table default', async () => {
    const { code, stdout } = await execMain(MAIN, ['--help']);
    expect(code).toBe(0);
    for (const [key, limit] of rows(LIMITS)) {
      const shown = limit.unit === 'bytes' ? formatSize(limit.default!) : String(limit.default);
      expect(stdout).toContain(`${flagName(key, limit)} `);
      expect(stdout).toMatch(new RegExp(`${flagName(key, limit)} .*\\(default ${shown}\\)`));
    }
  });
});

describe('CLIENT_LIMITS: request, runLoad and the client flags read the same bounds', () => {
  it('request() refuses a timeout of 0 and a non-integer maxResponseBody', () => {
    expect(thrown(() => request('http://127.0.0.1:9/', { timeout: 0 }))).toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('"timeout"'),
    });
    expect(thrown(() => request('http://127.0.0.1:9/', { maxResponseBody: 1.5 }))).toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('It must be an integer'),
    });
  });

  it('runLoad() refuses concurrency 0 and maxSockets over the max, naming them', async () => {
    await expect(runLoad({ url: 'http://127.0.0.1:9/', concurrency: 0 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('"concurrency"'),
    });
    await expect(
      runLoad({ url: 'http://127.0.0.1:9/', maxSockets: CLIENT_LIMITS.maxSockets.max + 1 }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('the client refuses --concurrency 0 with exit 2 naming the flag', async () => {
    const { code, stderr } = await execMain(MAIN, [
      'client',
      'http://127.0.0.1:9/',
      '--concurrency',
      '0',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--concurrency must be between 1 and 10000/);
  });

  it('client --help lists every client limit', async () => {
    const { code, stdout } = await execMain(MAIN, ['client', '--help']);
    expect(code).toBe(0);
    for (const [key, limit] of rows(CLIENT_LIMITS)) {
      expect(stdout).toContain(`${flagName(key, limit)} `);
    }
    expect(stdout).toMatch(/--max-sockets N .*\(default: none\)/);
  });
});
