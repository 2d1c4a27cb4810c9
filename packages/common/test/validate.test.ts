import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  NetlabError,
  formatSize,
  limitFlags,
  limitsHelp,
  readLimitFlags,
  resolveLimits,
  validateBoolean,
  validateInteger,
  validateOneOf,
  type LimitTable,
} from '../src/index.ts';

function thrown(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err).toBeInstanceOf(NetlabError);
    return err as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('validateInteger (Node argument order and codes)', () => {
  it('returns an integer inside the bounds, bounds included', () => {
    expect(validateInteger(0, 'n', { min: 0, max: 10 })).toBe(0);
    expect(validateInteger(10, 'n', { min: 0, max: 10 })).toBe(10);
  });

  it.each([
    [
      '7',
      'ERR_INVALID_ARG_TYPE',
      `The "n" argument must be of type number. Received type string ('7')`,
    ],
    [undefined, 'ERR_INVALID_ARG_TYPE', 'Received undefined'],
    [1.5, 'ERR_OUT_OF_RANGE', 'It must be an integer. Received 1.5'],
    [Number.NaN, 'ERR_OUT_OF_RANGE', 'It must be an integer'],
    [-1, 'ERR_OUT_OF_RANGE', 'It must be >= 0 and <= 10. Received -1'],
    [11, 'ERR_OUT_OF_RANGE', 'The value of "n" is out of range'],
  ])('%j → %s', (value, code, message) => {
    const err = thrown(() => validateInteger(value, 'n', { min: 0, max: 10 }));
    expect(err.code).toBe(code);
    expect(err.message).toContain(message);
  });

  it('validateOneOf names the choices', () => {
    expect(validateOneOf('a', 'mode', ['a', 'b'])).toBe('a');
    const err = thrown(() => validateOneOf('xml', 'mode', ['a', 'b']));
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(err.message).toBe(
      `The argument "mode" must be one of: 'a', 'b'. Received type string ('xml')`,
    );
  });
});

const LIMITS = {
  maxPayload: {
    default: 16 * 1024 * 1024,
    min: 1,
    max: 1024 ** 3,
    unit: 'bytes',
    help: 'largest message',
  },
  heartbeatInterval: {
    default: 30_000,
    min: 0,
    max: 3_600_000,
    unit: 'ms',
    help: 'ping interval',
    flag: '--heartbeat',
  },
  maxConnections: {
    default: undefined,
    min: 1,
    max: 1_000_000,
    unit: 'count',
    help: 'connection cap',
  },
  internal: { default: 5, min: 1, max: 9, unit: 'count', help: 'not a flag', flag: false },
} as const satisfies LimitTable;

describe('a limit table, read by the library and the CLI alike', () => {
  it('resolveLimits fills defaults and validates what is given, by option name', () => {
    expect(resolveLimits(LIMITS, { maxPayload: 64 })).toEqual({
      maxPayload: 64,
      heartbeatInterval: 30_000,
      maxConnections: undefined,
      internal: 5,
    });
    const err = thrown(() => resolveLimits(LIMITS, { heartbeatInterval: -5 }));
    expect(err.code).toBe('ERR_OUT_OF_RANGE');
    expect(err.message).toContain('"heartbeatInterval"');
  });

  it('limitFlags and readLimitFlags use the kebab-case key or the flag given', () => {
    expect(Object.keys(limitFlags(LIMITS))).toEqual([
      'max-payload',
      'heartbeat',
      'max-connections',
    ]);
    expect(readLimitFlags(LIMITS, { 'max-payload': '64k', heartbeat: '0' })).toEqual({
      maxPayload: 65_536,
      heartbeatInterval: 0,
      maxConnections: undefined,
      internal: 5,
    });
  });

  it('a bad flag value is a CliError naming the flag, with the same bounds as the library', () => {
    expect(() => readLimitFlags(LIMITS, { heartbeat: '3600001' })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: '--heartbeat must be between 0 and 3600000 (got 3600001)',
      }),
    );
    expect(() => readLimitFlags(LIMITS, { 'max-payload': '2g' })).toThrow(
      /--max-payload must be between 1 and 1073741824/,
    );
  });

  it('limitsHelp: one line per flag, sizes as the flag takes them', () => {
    expect(limitsHelp(LIMITS).split('\n')).toEqual([
      '  --max-payload SIZE       largest message (default 16m)',
      '  --heartbeat MS           ping interval (default 30000)',
      '  --max-connections N      connection cap (default: none)',
    ]);
    expect([formatSize(65_536), formatSize(1024 ** 3), formatSize(1500)]).toEqual([
      '64k',
      '1g',
      '1500',
    ]);
  });
});

describe('validateBoolean and nested option names', () => {
  it('validateBoolean: Node code and wording', () => {
    expect(validateBoolean(false, 'b')).toBe(false);
    const err = thrown(() => validateBoolean('yes', 'opts.b'));
    expect(err.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(err.message).toBe(
      `The "opts.b" argument must be of type boolean. Received type string ('yes')`,
    );
  });

  it('resolveLimits names a nested option by its path', () => {
    const err = thrown(() =>
      resolveLimits(LIMITS, { maxPayload: 0 }, { prefix: 'perMessageDeflate.' }),
    );
    expect(err.message).toContain('"perMessageDeflate.maxPayload"');
  });
});
