/** Load generators for bench/main.ts (run in the bench process, pinned to CPU 1). */
import { connect as netConnect, type Socket } from 'node:net';
import tls from 'node:tls';
import { quantile } from 'common/bench';
import { GREETING } from '../src/index.ts';

const GREETING_BYTES = Buffer.byteLength(GREETING);
const MiB = 1024 * 1024;

export interface TlsTarget {
  port: number;
  /**
   * CA + client certificate + key, built once with `tls.createSecureContext`: passing PEMs to
   * every `tls.connect` parses them (and builds a CA store) again for each connection.
   */
  secureContext: tls.SecureContext;
}

function connectTls(target: TlsTarget, session?: Buffer): tls.TLSSocket {
  return tls.connect({
    host: '127.0.0.1',
    port: target.port,
    secureContext: target.secureContext,
    session,
  });
}

/**
 * Echo throughput: `connections` sockets each send `bytesPerConnection` in `chunkSize` writes
 * (respecting backpressure) while reading the echo; `ops` is the MiB echoed.
 */
export async function echoThroughput(
  open: () => Socket,
  opts: { connections: number; bytesPerConnection: number; chunkSize: number },
): Promise<{ metrics: Record<string, number>; ops: number }> {
  const chunk = Buffer.alloc(opts.chunkSize, 0x61);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from(
      { length: opts.connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = open();
          let received = 0;
          let sent = 0;
          const target = opts.bytesPerConnection + GREETING_BYTES;
          const pump = (): void => {
            while (sent < opts.bytesPerConnection) {
              sent += chunk.length;
              if (!socket.write(chunk)) return void socket.once('drain', pump);
            }
          };
          socket.on('error', reject);
          socket.on('data', (data: Buffer) => {
            received += data.length;
            if (received >= target) {
              socket.destroy();
              resolve();
            }
          });
          // Start sending once the greeting arrived (for TLS: once the server accepted us).
          socket.once('data', pump);
        }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mib = (opts.connections * opts.bytesPerConnection) / MiB;
  return { metrics: { 'MiB/s': mib / seconds }, ops: mib };
}

/** Opens a plain TCP connection (the baseline). */
export function tcpSocket(port: number): () => Socket {
  return () => netConnect(port, '127.0.0.1');
}

/** Opens a mutual-TLS connection. */
export function tlsSocket(target: TlsTarget): () => Socket {
  return () => connectTls(target);
}

/**
 * Handshake rate: `concurrency` workers connect, wait for the greeting (the server accepted
 * the client certificate), and close, for `durationMs`. With `resume`, each worker reuses the
 * newest TLS 1.3 session ticket it received (RFC 8446 §2.2) instead of a full handshake.
 * `ops` is the number of handshakes.
 */
export async function handshakeRate(
  target: TlsTarget,
  opts: { concurrency: number; durationMs: number; resume: boolean },
): Promise<{ metrics: Record<string, number>; ops: number }> {
  const latencies: number[] = [];
  let reused = 0;
  const deadline = Date.now() + opts.durationMs;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    let session: Buffer | undefined;
    while (Date.now() < deadline) {
      const t0 = process.hrtime.bigint();
      const socket = connectTls(target, opts.resume ? session : undefined);
      socket.on('session', (s: Buffer) => {
        session = s;
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('data', () => resolve());
      });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (socket.isSessionReused()) reused += 1;
      socket.destroy();
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    metrics: {
      'handshakes/s': latencies.length / seconds,
      'p50 ms': quantile(latencies, 0.5),
      'p99 ms': quantile(latencies, 0.99),
      'resumed %': (100 * reused) / latencies.length,
    },
    ops: latencies.length,
  };
}
