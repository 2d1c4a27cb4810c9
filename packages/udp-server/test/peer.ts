/** Test helpers: a UDP peer that collects what it receives, log capture, environment probes. */
import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from 'common';
import { LineCollector, withTimeout } from 'common/harness';

/** One received datagram. */
export interface Datagram {
  msg: Buffer;
  rinfo: RemoteInfo;
}

/**
 * A bound UDP socket whose datagrams a test can await one by one.
 * TODO(common): the UDP counterpart of the harness's `RawClient`; move it to common/harness.
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
  async next(timeoutMs = 5_000): Promise<Datagram> {
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

/** A JSON logger at `level` whose lines a test can wait for. */
export function capturedLogger(level = 'debug'): { logger: Logger; lines: LineCollector } {
  const stream = new PassThrough();
  const lines = new LineCollector(stream);
  const logger = createLogger({ name: 'udp-server', level, format: 'json', destination: stream });
  return { logger, lines };
}

/** Why udp6 on `::1` cannot be tested here, or `undefined` when it can. */
export async function ipv6Unavailable(): Promise<string | undefined> {
  try {
    const peer = await UdpPeer.bind('::1', 'udp6');
    peer.close();
    return undefined;
  } catch (err) {
    return `no IPv6 loopback on this machine (binding ::1 failed: ${(err as NodeJS.ErrnoException).code})`;
  }
}

/** Why a udp6 socket on `::` will not see IPv4 peers here, or `undefined` when it will. */
export function dualStackUnavailable(): string | undefined {
  try {
    const v6only = readFileSync('/proc/sys/net/ipv6/bindv6only', 'utf8').trim();
    return v6only === '0' ? undefined : `net.ipv6.bindv6only is ${v6only}: no dual-stack sockets`;
  } catch {
    return 'no /proc/sys/net/ipv6/bindv6only (not Linux): dual-stack default unknown';
  }
}

/** Why two loopback source addresses (127.0.0.2, 127.0.0.3) are not available, or `undefined`. */
export async function secondLoopbackUnavailable(): Promise<string | undefined> {
  try {
    const peer = await UdpPeer.bind('127.0.0.2');
    peer.close();
    return undefined;
  } catch (err) {
    return `cannot bind 127.0.0.2 (${(err as NodeJS.ErrnoException).code}): only Linux routes all of 127/8 to loopback`;
  }
}
