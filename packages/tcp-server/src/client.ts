import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { DEFAULT_PORT } from './constants.ts';
import { NetlabError } from 'common';
import { InvalidOptionError } from './errors.ts';
import { createDecoder, createEncoder, DecodeStream, type CodecOptions } from './framing-stream.ts';
import type { Framing } from './server.ts';

/** Options of {@link TcpClient.connect}. */
export interface TcpClientOptions extends CodecOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 8124 (§7.1). */
  port?: number;
  /** Connect to this Unix domain socket instead of host/port. */
  path?: string;
  /** How messages are framed; `echo` sends and receives raw bytes. Default `echo`. */
  framing?: Framing;
  /** Give up connecting after this many ms. Default 10 000. */
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
          decoder.destroy(
            new NetlabError(
              'ERR_CONNECTION_CLOSED',
              'connection closed before the server ended it',
            ),
          );
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
   * Connects and resolves once connected.
   *
   * @throws the connect error (`ECONNREFUSED`, `ENOENT` for a missing socket path …), or
   *   `ETIMEDOUT` after `connectTimeout`.
   */
  static async connect(opts: TcpClientOptions = {}): Promise<TcpClient> {
    const framing = opts.framing ?? 'echo';
    if (!['echo', 'line', 'length', 'fixed'].includes(framing))
      throw new InvalidOptionError(`unknown framing '${framing}'`);
    const socket =
      opts.path !== undefined
        ? connect(opts.path)
        : connect(opts.port ?? DEFAULT_PORT, opts.host ?? '127.0.0.1');
    const client = new TcpClient(socket, framing, opts);
    const timer = setTimeout(
      () =>
        socket.destroy(
          Object.assign(new Error(`connect timed out after ${opts.connectTimeout ?? 10_000} ms`), {
            code: 'ETIMEDOUT',
          }),
        ),
      opts.connectTimeout ?? 10_000,
    );
    try {
      await once(socket, 'connect');
    } finally {
      clearTimeout(timer);
    }
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
