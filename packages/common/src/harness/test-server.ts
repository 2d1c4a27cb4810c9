/** A server under test: listening on port 0, closed with every socket it accepted. */
import type { Server } from 'node:net';
import { boundPort } from '../address.ts';
import { ConnectionTracker } from '../connections.ts';
import { closeServer, listen } from '../lifecycle.ts';
import {
  isDatagram,
  type Listenable,
  type NetlabServer,
  type OpenConnections,
} from '../server-contract.ts';

export interface TestServer {
  host: string;
  port: number;
  /** `host:port` (IPv6 in brackets). */
  address: string;
  /** `scheme://host:port/path`, e.g. `url('ws', '/echo')`. */
  url(scheme: string, path?: string): string;
  /** The server's open connections (its own tracker, or one attached here for a bare server). */
  connections: OpenConnections;
  /** Stops accepting, destroys every socket the server accepted, resolves when closed. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 port 0 (or `host`) and returns the bound address plus a full close.
 * Takes a {@link NetlabServer} (what every `createXServer` returns) or a bare Node server
 * (a contender in a test; its connections are tracked from here on).
 */
export async function startServer(
  target: NetlabServer | Listenable,
  host = '127.0.0.1',
): Promise<TestServer> {
  const app = 'drain' in target ? target : undefined;
  const server = app?.server ?? (target as Listenable);
  const connections: OpenConnections =
    app?.connections ??
    (isDatagram(server)
      ? new ConnectionTracker()
      : new ConnectionTracker().attach(server as Server));
  const address = await listen(server, { host, port: 0 });
  return {
    host,
    port: boundPort(server),
    address,
    url: (scheme, path = '/') => `${scheme}://${address}${path}`,
    connections,
    close: async () => {
      const closed = closeServer(server);
      connections.destroyAll();
      await closed;
    },
  };
}
