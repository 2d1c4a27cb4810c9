import type { AddressInfo } from 'node:net';
import { ServerStateError } from './errors.ts';
import { isDatagram, type Listenable } from './server-contract.ts';

/**
 * The bound address of a listening server as `host:port` (IPv6 in brackets) or the Unix socket
 * path.
 *
 * @throws {ServerStateError} `ERR_SERVER_NOT_RUNNING` when the server is not listening.
 */
export function formatAddress(address: string | AddressInfo | null): string {
  if (address === null)
    throw new ServerStateError('ERR_SERVER_NOT_RUNNING', 'server is not listening');
  if (typeof address === 'string') return address;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}

/**
 * The port a listening TCP server (or a bound UDP socket) is bound to.
 *
 * @throws {ServerStateError} `ERR_SERVER_NOT_RUNNING` when it is not listening on a port.
 */
export function boundPort(server: Listenable): number {
  let address: string | AddressInfo | null;
  try {
    address = server.address();
  } catch {
    address = null; // a dgram socket that is not bound throws ERR_SOCKET_DGRAM_NOT_RUNNING
  }
  if (address === null || typeof address === 'string') {
    throw new ServerStateError(
      'ERR_SERVER_NOT_RUNNING',
      `server is not listening on ${isDatagram(server) ? 'UDP' : 'TCP'}`,
    );
  }
  return address.port;
}
