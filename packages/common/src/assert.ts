import { UnreachableError } from './errors.ts';

/**
 * The `never` check that closes an exhaustive `switch` over a state enum: TypeScript rejects
 * the call if a case is missing, and at run time it throws if a value slips through anyway.
 *
 * @throws {UnreachableError} `ERR_UNREACHABLE`.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new UnreachableError('ERR_UNREACHABLE', `unhandled ${what}: ${String(value)}`);
}
