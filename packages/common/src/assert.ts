/**
 * The `never` check that closes an exhaustive `switch` over a state enum: TypeScript rejects
 * the call if a case is missing, and at run time it throws if a value slips through anyway.
 *
 * @throws Error with code `ERR_UNREACHABLE`.
 */
export function assertNever(value: never, what = 'value'): never {
  throw Object.assign(new Error(`unhandled ${what}: ${String(value)}`), {
    code: 'ERR_UNREACHABLE',
  });
}
