/**
 * What every package that talks to Redis shares (ws-server's `/chat` bus, memory-demo's
 * cache): the URL check, the URL as logged, the reconnect back-off and a bounded `QUIT`. The
 * client library (ioredis) is those packages' dependency, not common's: {@link quitRedis}
 * takes any client of that shape.
 */
import { InvalidArgumentError } from './errors.ts';

/** First delay before reconnecting to Redis, in ms; doubles per failed attempt. */
export const REDIS_RECONNECT_MIN_MS = 50;

/** Longest delay between two attempts to reconnect to Redis, in ms. */
export const REDIS_RECONNECT_MAX_MS = 2_000;

/** How long {@link quitRedis} lets Redis answer `QUIT`, in ms, before dropping the connection. */
export const REDIS_QUIT_TIMEOUT_MS = 1_000;

/** True for a `redis://` or `rediss://` (TLS) URL. */
export function isRedisUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'redis:' || protocol === 'rediss:';
  } catch {
    return false;
  }
}

/**
 * Checks an option that must be a Redis URL.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_VALUE` naming `name` when `value` is not a
 *   `redis://` or `rediss://` URL.
 */
export function validateRedisUrl(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || !isRedisUrl(value))
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_VALUE',
      `The option "${name}" must be a redis:// or rediss:// URL. Received '${String(value)}'`,
    );
}

/** The URL for logs: the password replaced by `***`. */
export function redactRedisUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.href;
}

/**
 * Delay before reconnect attempt `attempt` (1, 2, …), in ms: {@link REDIS_RECONNECT_MIN_MS}
 * doubling up to {@link REDIS_RECONNECT_MAX_MS} (ioredis's `retryStrategy`).
 */
export function redisReconnectDelay(attempt: number): number {
  return Math.min(REDIS_RECONNECT_MIN_MS * 2 ** (attempt - 1), REDIS_RECONNECT_MAX_MS);
}

/** The part of an ioredis client {@link quitRedis} uses. */
export interface QuittableRedis {
  readonly status: string;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * `QUIT` (Redis answers what is in flight first) if the connection is ready, waiting at most
 * `timeoutMs` (default {@link REDIS_QUIT_TIMEOUT_MS}); then drops the connection, which also
 * stops reconnecting. Never rejects.
 */
export async function quitRedis(
  client: QuittableRedis,
  timeoutMs = REDIS_QUIT_TIMEOUT_MS,
): Promise<void> {
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.quit().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }
  client.disconnect();
}
