/** Test helpers: log capture and environment probes (the UDP peer is common/harness's `UdpPeer`). */
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from 'common';
import { LineCollector, UdpPeer } from 'common/harness';

export { UdpPeer };

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
