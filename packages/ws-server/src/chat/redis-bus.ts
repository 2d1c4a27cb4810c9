/**
 * The `/chat` bus across processes and machines: Redis pub/sub (`--redis redis://host:port`
 * or `REDIS_URL`), through ioredis. Each room is a channel (`netlab:chat:<room>`); a process
 * subscribes to the rooms it has members in. A message is published by a Lua script that
 * increments the room's counter and publishes the numbered frame in one atomic step, so every
 * subscriber gets a room's messages in `seq` order and the frame is built once, in Redis
 * (the same bytes as `chatFrame()`; subscribers forward them untouched).
 *
 * Redis going away never takes the server down: both connections reconnect by themselves
 * (50 ms doubling to 2 s), the rooms are subscribed again, and the server keeps serving.
 * Meanwhile a message waits up to `chatPublishTimeout` ms for the publishing connection (in
 * this bus's `PublishQueue`, bounded by `chatMaxPending` bytes: ioredis's offline queue is off),
 * then its sender gets `ERR_CHAT_BUS_UNAVAILABLE`. A message written to Redis whose reply never
 * came is not sent again (at most once): `ERR_CHAT_BUS_UNCONFIRMED`. What Redis pub/sub itself
 * does not guarantee is in the README: a subscriber is not told what it missed (while it was
 * reconnecting, or when Redis dropped it for a full output buffer); the gap shows in `seq`.
 *
 * Events: `up` (both connections ready and every room subscribed), `down` (one connection
 * lost after `up`).
 */
import { EventEmitter } from 'node:events';
import {
  quitRedis,
  redactRedisUrl,
  redisReconnectDelay,
  resolveLimits,
  validateRedisUrl,
  silentLogger,
  type LimitOptions,
  type Logger,
} from 'common';
import { Redis, type RedisOptions } from 'ioredis';
import {
  REDIS_CHAT_CHANNEL_PREFIX,
  REDIS_CHAT_SEQ_PREFIX,
  REDIS_CHAT_SEQ_TTL_S,
} from '../constants.ts';
import { ChatBusError } from '../errors.ts';
import { CHAT_BUS_LIMITS } from '../limits.ts';
import { attachOnce, type ChatBus, type ChatSink } from './bus.ts';
import { PublishQueue } from './publish-queue.ts';

/**
 * KEYS[1] the room's counter; ARGV: channel, room as JSON, text as JSON, the counter's TTL (s).
 * The frame is `chatFrameFromJson()` of `messages.ts`, written in Lua.
 */
const PUBLISH_SCRIPT = `
local seq = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[1],
  '{"type":"chat","room":' .. ARGV[2] .. ',"seq":' .. string.format('%d', seq) ..
  ',"text":' .. ARGV[3] .. '}')
return seq`;

/** The publishing connection, with the script as a command (ioredis `scripts`: EVALSHA, EVAL on NOSCRIPT). */
type Publisher = Redis & {
  netlabChatPublish(
    key: string,
    channel: string,
    roomJson: string,
    textJson: string,
    ttl: number,
  ): Promise<number>;
};

/** Options of {@link RedisChatBus}. */
export interface RedisChatBusOptions extends LimitOptions<typeof CHAT_BUS_LIMITS> {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  url: string;
  /** Logger (pino): connection lost/back at warn/info. Default: silent. */
  logger?: Logger | undefined;
  /** A message waits this long for Redis (reconnecting), in ms, then is refused. Default 2000. */
  chatPublishTimeout?: number | undefined;
  /** Bytes of messages waiting or in flight (each plus 256 B); past it `publish` refuses at once. Default 4 MiB. */
  chatMaxPending?: number | undefined;
}

type Connection = 'publish' | 'subscribe';

/** See the module's TSDoc. */
export class RedisChatBus extends EventEmitter implements ChatBus {
  readonly kind = 'redis';
  readonly #pub: Publisher;
  readonly #sub: Redis;
  readonly #logger: Logger;
  readonly #where: string;
  readonly #queue: PublishQueue;
  /** Rooms with members here → their subscription, confirmed when it resolves. */
  readonly #rooms = new Map<string, Promise<void>>();
  readonly #ready: Record<Connection, boolean> = { publish: false, subscribe: false };
  #sink: ChatSink | undefined;
  #everUp = false;
  /** A warning about this outage was logged (one per outage, the rest at debug). */
  #warned = false;
  #closing: Promise<void> | undefined;

  /**
   * Connects at once (and keeps reconnecting: an unreachable Redis is logged, not thrown).
   *
   * @throws {InvalidArgumentError} (common) `ERR_INVALID_ARG_VALUE` for a URL that is not
   *   `redis://` or `rediss://`; `ERR_OUT_OF_RANGE` … for a limit outside `CHAT_BUS_LIMITS`.
   */
  constructor(options: RedisChatBusOptions) {
    super();
    validateRedisUrl(options.url, 'url');
    const limits = resolveLimits(CHAT_BUS_LIMITS, options);
    this.#logger = options.logger ?? silentLogger();
    this.#where = redactRedisUrl(options.url);
    const shared: RedisOptions = {
      retryStrategy: redisReconnectDelay,
      connectionName: 'netlab-ws-server-chat',
      disableClientInfo: true,
    };
    this.#pub = new Redis(options.url, {
      ...shared,
      // This bus's FIFO is the only queue: a command is written only when the connection is
      // ready, and one whose connection broke is failed at once, never sent again.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      scripts: { netlabChatPublish: { lua: PUBLISH_SCRIPT, numberOfKeys: 1 } },
    }) as Publisher;
    this.#sub = new Redis(options.url, {
      ...shared,
      // SUBSCRIBE waits for the connection; the rooms are subscribed again by #resubscribe.
      autoResubscribe: false,
      maxRetriesPerRequest: null,
    });
    this.#queue = new PublishQueue({
      timeoutMs: limits.chatPublishTimeout,
      maxPendingBytes: limits.chatMaxPending,
      what: 'Redis',
      ready: () => this.#pub.status === 'ready',
      write: (room, text) =>
        this.#pub.netlabChatPublish(
          REDIS_CHAT_SEQ_PREFIX + room,
          REDIS_CHAT_CHANNEL_PREFIX + room,
          JSON.stringify(room),
          JSON.stringify(text),
          REDIS_CHAT_SEQ_TTL_S,
        ),
      failure,
    });
    this.#watch(this.#pub, 'publish');
    this.#watch(this.#sub, 'subscribe');
    this.#pub.on('ready', () => {
      this.#link('publish', true);
      this.#queue.flush();
    });
    this.#sub.on('ready', () => void this.#resubscribe());
    this.#sub.on('messageBuffer', (channel: Buffer, frame: Buffer) => {
      const room = channel.toString('latin1', REDIS_CHAT_CHANNEL_PREFIX.length);
      if (this.#rooms.has(room)) this.#sink?.deliver(room, frame);
    });
  }

  /** Both connections are ready and every room is subscribed. */
  get connected(): boolean {
    return this.#ready.publish && this.#ready.subscribe;
  }

  attach(sink: ChatSink): void {
    this.#sink = attachOnce(this.#sink, sink);
  }

  join(room: string): Promise<void> {
    const current = this.#rooms.get(room);
    if (current !== undefined) return current;
    const subscribed = this.#sub.subscribe(REDIS_CHAT_CHANNEL_PREFIX + room).then(
      () => undefined,
      () => {
        if (this.#rooms.get(room) === subscribed) this.#rooms.delete(room);
        throw new ChatBusError('ERR_CHAT_BUS_UNAVAILABLE', 'could not subscribe to the room');
      },
    );
    this.#rooms.set(room, subscribed);
    return subscribed;
  }

  leave(room: string): void {
    if (!this.#rooms.delete(room) || this.#closing !== undefined) return;
    this.#sub.unsubscribe(REDIS_CHAT_CHANNEL_PREFIX + room).catch(() => undefined);
  }

  publish(room: string, text: string): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(closed());
    return this.#queue.push(room, text);
  }

  /** Refuses the waiting messages, then `QUIT`s both connections. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#queue.refuseWaiting(closed());
      this.#rooms.clear();
      await Promise.all([quitRedis(this.#pub), quitRedis(this.#sub)]);
    })();
    return this.#closing;
  }

  /** After a (re)connection: subscribe to every room again, then the bus is up. */
  async #resubscribe(): Promise<void> {
    const channels = [...this.#rooms.keys()].map((room) => REDIS_CHAT_CHANNEL_PREFIX + room);
    try {
      if (channels.length > 0) await this.#sub.subscribe(...channels);
    } catch (err) {
      this.#logger.debug(
        { err },
        'chat bus: subscribing again failed (the next connection retries)',
      );
      return;
    }
    this.#link('subscribe', true);
  }

  #watch(client: Redis, connection: Connection): void {
    client.on('close', () => this.#link(connection, false));
    client.on('error', (err: Error) => {
      if (this.#closing !== undefined) return;
      if (this.#warned) {
        this.#logger.debug({ err, connection }, 'chat bus: Redis error');
        return;
      }
      this.#warned = true;
      this.#logger.warn(
        { err, connection, redis: this.#where },
        'chat bus: cannot reach Redis; reconnecting (chat messages wait, then fail)',
      );
    });
  }

  #link(connection: Connection, ready: boolean): void {
    const wasUp = this.connected;
    this.#ready[connection] = ready;
    if (this.#closing !== undefined) return;
    if (!wasUp && this.connected) {
      this.#warned = false;
      this.#logger.info(
        { redis: this.#where, rooms: this.#rooms.size },
        this.#everUp ? 'chat bus: reconnected to Redis' : 'chat bus: connected to Redis',
      );
      this.#everUp = true;
      this.emit('up');
    } else if (wasUp && !ready) {
      this.#logger.warn(
        { redis: this.#where, connection },
        'chat bus: lost the connection to Redis; reconnecting',
      );
      this.#warned = true;
      this.emit('down');
    }
  }
}

function closed(): ChatBusError {
  return new ChatBusError('ERR_CHAT_BUS_UNAVAILABLE', 'the chat bus is closed');
}

/** A failed command: an error reply means Redis refused it (not published); the rest is unknown. */
function failure(err: unknown): ChatBusError {
  if (!(err instanceof Error)) return failure(new Error(String(err)));
  if (err.name === 'ReplyError')
    return new ChatBusError(
      'ERR_CHAT_BUS_UNAVAILABLE',
      `Redis refused the message: ${err.message}`,
    );
  return new ChatBusError(
    'ERR_CHAT_BUS_UNCONFIRMED',
    `the connection to Redis broke before it confirmed the message: it may have been delivered (${err.message})`,
  );
}
