import type { AddressInfo, Server } from 'node:net';

/**
 * The bound address of a listening server as `host:port` (IPv6 in brackets) or the Unix socket
 * path. Throws `ERR_SERVER_NOT_RUNNING` when the server is not listening.
 */
export function formatAddress(address: string | AddressInfo | null): string {
  if (address === null) {
    throw Object.assign(new Error('server is not listening'), { code: 'ERR_SERVER_NOT_RUNNING' });
  }
  if (typeof address === 'string') return address;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}

/** The port a listening TCP server is bound to. */
export function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw Object.assign(new Error('server is not listening on TCP'), {
      code: 'ERR_SERVER_NOT_RUNNING',
    });
  }
  return address.port;
}
