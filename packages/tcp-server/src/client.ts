import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { awaitConnect, resolveLimits, validateOneOf } from 'common';
import { DEFAULT_PORT } from './constants.ts';
import { ConnectionClosedError } from './errors.ts';
import { createDecoder, createEncoder, DecodeStream, type CodecOptions } from './framing-stream.ts';
import { CLIENT_LIMITS } from './limits.ts';
import { FRAMINGS, type Framing } from './server.ts';

/**
 * Options of {@link TcpClient.connect}. The limits (`maxMessage`, `maxPayload`, `frameSize`,
 * `connectTimeout`) have the defaults and bounds of `CLIENT_LIMITS` in `limits.ts`.
 */
export interface TcpClientOptions extends CodecOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 8124 (§7.1). */
  port?: number;
  /** Connect to this Unix domain socket instead of host/port. */
  path?: string;
  /** How messages are framed; `echo` sends and receives raw bytes. Default `echo`. */
  framing?: Framing;
  /** Give up connecting after this many ms. Default 10 000, 1 … 600 000. */
  connectTimeout?: number;
}

/**
 * The §7.1 client (`net.connect`) with framing: {@link TcpClient.send} encodes one message
 * and waits for `drain` when `write()` returns false (backpressure); iterating the client
 * yields the server's replies, decoded (raw chunks in `echo` mode).
 *
 * ```ts
 * const client = await TcpClient.connect({ port: 8124, framing: 'line' });
 * await client.send('hello');
 * client.end();
 * for await (const reply of client) console.log(reply.toString());
 * ```
 */
export class TcpClient implements AsyncIterable<Buffer> {
  readonly socket: Socket;
  readonly framing: Framing;
  readonly #encode: ((message: Buffer) => Buffer[]) | undefined;
  readonly #replies: Readable;
  #error: Error | undefined;

  private constructor(socket: Socket, framing: Framing, opts: CodecOptions) {
    this.socket = socket;
    this.framing = framing;
    if (framing === 'echo') {
      this.#encode = undefined;
      this.#replies = socket;
    } else {
      this.#encode = createEncoder(framing, opts);
      const decoder = new DecodeStream(createDecoder(framing, opts));
      socket.pipe(decoder);
      socket.on('error', (err) => decoder.destroy(err));
      // Closed without the server's FIN (reset, or close() here): the replies end in an error.
      socket.on('close', () => {
        if (!decoder.writableEnded && !decoder.destroyed) {
          decoder.destroy(new ConnectionClosedError());
        }
      });
      this.#replies = decoder;
    }
    // Errors surface through iteration (and `connect()`), and are kept in `error`; without
    // these listeners an unread client would crash the process on ECONNRESET.
    const remember = (err: Error): void => {
      this.#error ??= err;
    };
    socket.on('error', remember);
    this.#replies.on('error', remember);
  }

  /** The first socket or decode error, if any (iteration throws it too). */
  get error(): Error | undefined {
    return this.#error;
  }

  /**
   * Validates the options, connects and resolves once connected.
   *
   * @throws {InvalidArgumentError} before connecting, naming the option: `ERR_INVALID_ARG_VALUE`
   *   for an unknown `framing`, `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a bad limit.
   * @throws the connect error (`ECONNREFUSED`, `ENOENT` for a missing socket path …), or
   *   common's `ConnectTimeoutError` `ETIMEDOUT` after `connectTimeout`.
   */
  static async connect(opts: TcpClientOptions = {}): Promise<TcpClient> {
    const framing = validateOneOf(opts.framing ?? 'echo', 'framing', FRAMINGS);
    const limits = resolveLimits(CLIENT_LIMITS, opts);
    const target: { path: string } | { host: string; port: number } =
      opts.path !== undefined
        ? { path: opts.path }
        : { host: opts.host ?? '127.0.0.1', port: opts.port ?? DEFAULT_PORT };
    const socket = 'path' in target ? connect(target.path) : connect(target.port, target.host);
    const client = new TcpClient(socket, framing, limits);
    await awaitConnect(socket, { timeoutMs: limits.connectTimeout, target });
    return client;
  }

  /**
   * Sends one message in the client's framing (raw bytes in `echo` mode); resolves once the
   * socket can take more (`drain`).
   *
   * @throws the encoder's `FramingError` (`ERR_MESSAGE_TOO_LONG`, `ERR_INVALID_MESSAGE`,
   *   `ERR_FRAME_TOO_LARGE`) before anything is written.
   */
  async send(message: string | Uint8Array): Promise<void> {
    const bytes =
      typeof message === 'string'
        ? Buffer.from(message, 'utf8')
        : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    const buffers = this.#encode === undefined ? [bytes] : this.#encode(bytes);
    let ok = true;
    for (const buffer of buffers) ok = this.socket.write(buffer);
    if (!ok && !this.socket.destroyed) await once(this.socket, 'drain');
  }

  /** Half-closes: no more messages from us; replies can still arrive. */
  end(): void {
    this.socket.end();
  }

  /** Destroys the connection. */
  close(): void {
    this.socket.destroy();
  }

  /**
   * The replies, decoded; ends when the server ends; throws a decode error, the socket error
   * (`ECONNRESET` …), or `ERR_CONNECTION_CLOSED` if the connection closed without the
   * server's FIN (in framed modes).
   */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.#replies[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }
}
