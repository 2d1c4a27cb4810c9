/**
 * A raw HTTP/2 peer for tests: a TLS socket with ALPN `h2` that writes frames byte by byte
 * (RFC 9113 §4.1) and collects the server's, for what Node's own client refuses to send
 * (connection-specific headers, too many streams, floods). HPACK is used in its simplest form
 * only: literal fields without indexing, new names, lengths under 127 (RFC 7541 §6.2.2).
 */
import { connect, type TLSSocket } from 'node:tls';
import { withTimeout } from 'common/harness';

/** Frame types (RFC 9113 §6). */
export enum FrameType {
  Data = 0,
  Headers = 1,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  Goaway = 7,
  WindowUpdate = 8,
}

/** Error codes (RFC 9113 §7). */
export enum H2Error {
  NoError = 0,
  ProtocolError = 1,
  InternalError = 2,
  RefusedStream = 7,
  Cancel = 8,
  EnhanceYourCalm = 11,
}

const FLAG_END_STREAM = 0x1;
const FLAG_ACK = 0x1;
const FLAG_END_HEADERS = 0x4;
const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

/** One frame's bytes: 9-byte header (length, type, flags, stream id) + payload. */
export function frame(
  type: FrameType,
  flags: number,
  stream: number,
  payload = Buffer.alloc(0),
): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

/** A HEADERS frame with END_HEADERS (and END_STREAM unless `body`). */
export function headersFrame(stream: number, fields: [string, string][], endStream = true): Buffer {
  const block = Buffer.concat(
    fields.map(([name, value]) =>
      Buffer.concat([
        Buffer.from([0x00, name.length]),
        Buffer.from(name),
        Buffer.from([value.length]),
        Buffer.from(value),
      ]),
    ),
  );
  return frame(
    FrameType.Headers,
    FLAG_END_HEADERS | (endStream ? FLAG_END_STREAM : 0),
    stream,
    block,
  );
}

/** A SETTINGS frame with `entries` identifier/value pairs (RFC 9113 §6.5.1). */
export function settingsFrame(entries: [number, number][]): Buffer {
  const payload = Buffer.alloc(entries.length * 6);
  entries.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(FrameType.Settings, 0, 0, payload);
}

/** A PING frame (8 opaque bytes, RFC 9113 §6.7). */
export function pingFrame(): Buffer {
  return frame(FrameType.Ping, 0, 0, Buffer.alloc(8));
}

/** The fields of a GET request (`:method`, `:scheme`, `:path`, `:authority`) plus `extra`. */
export function getRequest(path: string, extra: [string, string][] = []): [string, string][] {
  return [
    [':method', 'GET'],
    [':scheme', 'https'],
    [':path', path],
    [':authority', 'localhost'],
    ...extra,
  ];
}

/** A raw HTTP/2 client: connected, preface and an empty SETTINGS sent, the server's acknowledged. */
export class RawH2 {
  readonly socket: TLSSocket;
  readonly frames: Frame[] = [];
  readonly closed: Promise<void>;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];

  readonly #ack: boolean;

  private constructor(socket: TLSSocket, ack: boolean) {
    this.socket = socket;
    this.#ack = ack;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => undefined); // the outcome is the frames and the close
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /**
   * @param opts.ack acknowledge the server's SETTINGS (default true). Without it, the server's
   *   limits are not in force yet as far as the protocol goes (RFC 9113 §6.5.3).
   */
  static async connect(port: number, ca: string, opts: { ack?: boolean } = {}): Promise<RawH2> {
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca,
      ALPNProtocols: ['h2'],
    });
    await withTimeout(
      new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject)),
      5_000,
      'the TLS handshake',
    );
    const raw = new RawH2(socket, opts.ack ?? true);
    socket.write(PREFACE);
    socket.write(settingsFrame([]));
    // Ready once the server's SETTINGS arrived (and were acknowledged, above).
    await raw.waitForFrame(
      (f) => f.type === FrameType.Settings && (f.flags & FLAG_ACK) === 0,
      "the server's SETTINGS",
    );
    return raw;
  }

  write(...frames: Buffer[]): void {
    for (const f of frames) this.socket.write(f);
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 9) {
      const length = this.#buffer.readUIntBE(0, 3);
      if (this.#buffer.length < 9 + length) break;
      const f: Frame = {
        type: this.#buffer[3]!,
        flags: this.#buffer[4]!,
        stream: this.#buffer.readUInt32BE(5) & 0x7fffffff,
        payload: Buffer.from(this.#buffer.subarray(9, 9 + length)),
      };
      this.frames.push(f);
      this.#buffer = this.#buffer.subarray(9 + length);
      // Acknowledge the server's SETTINGS (RFC 9113 §6.5.3): nghttp2 enforces its own limits
      // (maxConcurrentStreams …) only from then on.
      const unacked = f.type === FrameType.Settings && (f.flags & FLAG_ACK) === 0;
      if (this.#ack && unacked && !this.socket.destroyed) {
        this.socket.write(frame(FrameType.Settings, FLAG_ACK, 0));
      }
    }
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves with the first received frame (past or future) that `match` accepts. */
  waitForFrame(match: (f: Frame) => boolean, what: string, timeoutMs = 5_000): Promise<Frame> {
    return withTimeout(
      new Promise((resolve) => {
        const check = (): void => {
          const found = this.frames.find(match);
          if (found) resolve(found);
          else this.#waiters.push(check);
        };
        check();
      }),
      timeoutMs,
      () => `${what} (frames: ${this.frames.map((f) => FrameType[f.type] ?? f.type).join(',')})`,
    );
  }

  /** The error code of the RST_STREAM for `stream`. */
  async rstCode(stream: number): Promise<number> {
    const f = await this.waitForFrame(
      (x) => x.type === FrameType.RstStream && x.stream === stream,
      `RST_STREAM ${stream}`,
    );
    return f.payload.readUInt32BE(0);
  }

  /** The GOAWAY's error code. */
  async goawayCode(): Promise<number> {
    const f = await this.waitForFrame((x) => x.type === FrameType.Goaway, 'GOAWAY');
    return f.payload.readUInt32BE(4);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
