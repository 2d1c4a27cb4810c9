import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { DEFAULT_WAIT_MS, withTimeout } from './wait.ts';

/** One received datagram. */
export interface Datagram {
  msg: Buffer;
  rinfo: RemoteInfo;
}

/**
 * A bound UDP socket whose datagrams a test can await one by one: the UDP counterpart of
 * {@link RawClient}. Close it with a {@link Teardown}.
 */
export class UdpPeer {
  readonly socket: Socket;
  readonly received: Datagram[] = [];
  #read = 0;
  #waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      this.received.push({ msg, rinfo });
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
    });
  }

  /** Binds a peer to `address` (default 127.0.0.1) on an ephemeral port. */
  static async bind(address = '127.0.0.1', type: SocketType = 'udp4'): Promise<UdpPeer> {
    const socket = createSocket(type);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(msg: string | Uint8Array, port: number, address = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(msg, port, address, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** The next datagram not yet returned by `next`. */
  async next(timeoutMs = DEFAULT_WAIT_MS): Promise<Datagram> {
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (this.received.length > this.#read) resolve();
          else this.#waiters.push(check);
        };
        check();
      }),
      timeoutMs,
      `datagram #${this.#read + 1} on port ${this.port}`,
    );
    return this.received[this.#read++]!;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
