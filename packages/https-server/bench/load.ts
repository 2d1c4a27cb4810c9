/** Load generators for bench/main.ts (they run in the bench process or its children, on CPU 1). */
import { spawn, spawnSync } from 'node:child_process';
import { connect as http2Connect } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { quantile } from 'common/bench';

/** What one run measured: figures, and how many operations they are per. */
export interface LoadRun {
  metrics: Record<string, number>;
  ops: number;
}

/** True when Debian's `h2load` (nghttp2-client) is installed. */
export function hasH2load(): boolean {
  return spawnSync('h2load', ['--version']).error === undefined;
}

/**
 * HTTP/2 load with h2load: `clients` connections, each with `streams` requests in flight,
 * for `seconds`. h2load does not verify the certificate (a benchmark, on loopback).
 */
export function h2load(
  url: string,
  opts: { clients: number; streams: number; seconds: number; prefix: readonly string[] },
): Promise<LoadRun> {
  const argv = [
    ...opts.prefix,
    'h2load',
    '-c',
    String(opts.clients),
    '-m',
    String(opts.streams),
    '-D',
    String(opts.seconds),
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      // "finished in 2.00s, 12345.50 req/s, 1.23MB/s" and "requests: N total, N started, N done, N succeeded, N failed, …"
      const rate = /finished in [\d.]+s, ([\d.]+) req\/s/.exec(out);
      const done =
        /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed/.exec(out);
      if (rate === null || done === null) {
        reject(new Error(`h2load output not understood:\n${out}`));
        return;
      }
      if (Number(done[3]) > 0) process.stderr.write(`warning: h2load: ${done[3]} failed\n`);
      resolve({ metrics: { 'req/s': Number(rate[1]) }, ops: Number(done[2]) });
    });
  });
}

/**
 * HTTP/2 load with Node's own client, when h2load is missing: the same shape (`clients`
 * sessions × `streams` in flight), but the client costs more CPU than h2load's C.
 */
export async function nodeH2Load(
  url: string,
  opts: { clients: number; streams: number; seconds: number; ca: Buffer },
): Promise<LoadRun> {
  const deadline = Date.now() + opts.seconds * 1000;
  let done = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      const session = http2Connect(url, { ca: opts.ca, servername: 'localhost' });
      const one = (): Promise<void> =>
        new Promise((resolve, reject) => {
          const stream = session.request({ ':path': new URL(url).pathname }, { endStream: true });
          stream.on('error', reject);
          stream.resume();
          stream.on('end', () => {
            done += 1;
            resolve();
          });
        });
      await Promise.all(
        Array.from({ length: opts.streams }, async () => {
          while (Date.now() < deadline) await one();
        }),
      );
      session.close();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { metrics: { 'req/s': done / seconds }, ops: done };
}

/**
 * New connections per second, each a full TLS 1.3 handshake (no session resumption) and one
 * `GET /` with `Connection: close`: the cost of the server's certificate key (ECDSA P-256 vs
 * RSA-2048) in the handshake.
 */
export async function handshakeRate(
  port: number,
  opts: { concurrency: number; durationMs: number; ca: Buffer },
): Promise<LoadRun> {
  const latencies: number[] = [];
  const deadline = Date.now() + opts.durationMs;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const t0 = process.hrtime.bigint();
      const socket = tlsConnect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: opts.ca, // the certificate is verified, as any real client would
        ALPNProtocols: ['http/1.1'],
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('secureConnect', () =>
          socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
        );
        socket.resume();
        socket.once('end', () => resolve());
      });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      socket.destroy();
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    metrics: {
      'connections/s': latencies.length / seconds,
      'p50 ms': quantile(latencies, 0.5),
    },
    ops: latencies.length,
  };
}
