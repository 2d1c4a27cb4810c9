/**
 * Option validation, once, by name, in Node's style (`lib/internal/validators.js`): the value
 * first, then its name, then the bounds; Node's error codes and wording. Every package's option
 * resolution goes through these, so `createXServer({ … })` fails the same way everywhere.
 */
import { InvalidArgumentError } from './errors.ts';

/** Inclusive bounds for {@link validateInteger}. */
export interface IntegerBounds {
  /** Smallest accepted value. Default `Number.MIN_SAFE_INTEGER`. */
  min?: number;
  /** Largest accepted value. Default `Number.MAX_SAFE_INTEGER`. */
  max?: number;
}

/**
 * Checks that `value` is an integer in `[min, max]` and returns it, like Node's
 * `validateInteger(value, name, min, max)`.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` when `value` is not a number;
 *   `ERR_OUT_OF_RANGE` when it is not an integer or lies outside the bounds. The message names
 *   `name` and shows what was received.
 */
export function validateInteger(value: unknown, name: string, bounds: IntegerBounds = {}): number {
  const min = bounds.min ?? Number.MIN_SAFE_INTEGER;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_TYPE',
      `The "${name}" argument must be of type number. Received ${describe(value)}`,
    );
  }
  if (!Number.isInteger(value)) {
    throw new InvalidArgumentError(
      'ERR_OUT_OF_RANGE',
      `The value of "${name}" is out of range. It must be an integer. Received ${value}`,
    );
  }
  if (value < min || value > max) {
    throw new InvalidArgumentError(
      'ERR_OUT_OF_RANGE',
      `The value of "${name}" is out of range. It must be >= ${min} and <= ${max}. Received ${value}`,
    );
  }
  return value;
}

/**
 * Checks that `value` is a boolean and returns it (Node's `validateBoolean`).
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE`, naming `name`.
 */
export function validateBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_TYPE',
      `The "${name}" argument must be of type boolean. Received ${describe(value)}`,
    );
  }
  return value;
}

/**
 * Checks that `value` is one of `choices` and returns it (Node's `validateOneOf`).
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_VALUE`, naming `name` and the choices.
 */
export function validateOneOf<C extends string>(
  value: unknown,
  name: string,
  choices: readonly C[],
): C {
  if (!choices.includes(value as C)) {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_VALUE',
      `The argument "${name}" must be one of: ${choices.map((c) => `'${c}'`).join(', ')}. Received ${describe(value)}`,
    );
  }
  return value as C;
}

/** Node's way of showing a received value in an argument error. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string')
    return `type string ('${value.length > 28 ? `${value.slice(0, 25)}...` : value}')`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return `type ${typeof value} (${String(value)})`;
  if (typeof value === 'function') return 'function';
  return `an instance of ${(value as object).constructor?.name ?? 'Object'}`;
}
