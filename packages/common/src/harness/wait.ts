/** Waiting in tests: every wait has a timeout that says what was awaited. */
import { once, type EventEmitter } from 'node:events';
import { NetlabError } from '../errors.ts';

/** Default wait in the harness, in ms: long enough for a loaded 2-core CI machine. */
export const DEFAULT_WAIT_MS = 5_000;

/** Thrown when a harness wait runs out. Code `ERR_TEST_TIMEOUT`. */
export class TestTimeoutError extends NetlabError<'ERR_TEST_TIMEOUT'> {
  constructor(message: string) {
    super('ERR_TEST_TIMEOUT', message);
  }
}

/**
 * Resolves like `promise`, or rejects with {@link TestTimeoutError} saying what was awaited
 * (`what` may be a function, called at the timeout, to describe the state then).
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string | (() => string),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const described = typeof what === 'function' ? what() : what;
      reject(new TestTimeoutError(`timed out after ${ms} ms waiting for ${described}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `events.once` with a timeout; resolves with the event's arguments. Like `events.once`, it
 * rejects if the emitter emits `error` first: waiting for `close` on a socket that errors
 * rejects with that error (listen for `close` yourself if an error is expected).
 */
export function waitForEvent<T extends unknown[] = unknown[]>(
  emitter: EventEmitter,
  event: string,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return withTimeout(once(emitter, event) as Promise<T>, timeoutMs, `'${event}'`);
}
