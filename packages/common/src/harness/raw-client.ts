import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { DEFAULT_WAIT_MS, withTimeout } from './wait.ts';

/** A raw TCP or Unix-socket client that collects every byte it receives. */
export class RawClient {
  readonly socket: Socket;
  #chunks: Buffer[] = [];
  #length = 0;
  #ended = false;
  #waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
      this.#wake();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('error', () => {
      // Surfaced through waitForEnd()/closed; a test asserts on bytes, not on error events.
    });
  }

  /** Connects to `{ port, host }` or `{ path }` and resolves once connected. */
  static async connect(
    target: { port: number; host?: string } | { path: string },
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RawClient> {
    const socket =
      'path' in target ? connect(target.path) : connect(target.port, target.host ?? '127.0.0.1');
    const client = new RawClient(socket);
    await withTimeout(
      Promise.race([
        once(socket, 'connect'),
        once(socket, 'error').then(([err]) => {
          throw err;
        }),
      ]),
      timeoutMs,
      `connect to ${'path' in target ? target.path : `${target.host ?? '127.0.0.1'}:${target.port}`}`,
    );
    return client;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Bytes received so far (a copy). */
  received(): Buffer {
    return Buffer.concat(this.#chunks, this.#length);
  }

  get receivedLength(): number {
    return this.#length;
  }

  get ended(): boolean {
    return this.#ended;
  }

  write(data: string | Uint8Array): boolean {
    return this.socket.write(data);
  }

  /** Half-closes (sends FIN). */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  async #until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const check = new Promise<void>((resolve) => {
      const test = (): void => {
        if (cond()) resolve();
        else this.#waiters.push(test);
      };
      test();
    });
    await withTimeout(
      check,
      timeoutMs,
      () => `${what} (received ${this.#length} bytes: ${preview(this.received())})`,
    );
  }

  /** Resolves once at least `n` bytes arrived; returns all bytes so far. */
  async waitForBytes(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    await this.#until(() => this.#length >= n, timeoutMs, `${n} bytes`);
    return this.received();
  }

  /** Resolves once the received bytes contain `needle`; returns all bytes so far. */
  async waitForText(needle: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    await this.#until(() => this.received().includes(needle), timeoutMs, `'${needle}'`);
    return this.received().toString('utf8');
  }

  /** Resolves with every byte once the peer ended or closed the connection. */
  async waitForEnd(timeoutMs = DEFAULT_WAIT_MS): Promise<Buffer> {
    await this.#until(() => this.#ended, timeoutMs, 'the peer to end the connection');
    return this.received();
  }
}

function preview(buf: Buffer): string {
  const head = buf.subarray(0, 64);
  return JSON.stringify(head.toString('latin1')) + (buf.length > 64 ? '…' : '');
}
