/** TCP ports on 127.0.0.1 for tests that must name a port (a child's `--port`, a restart). */
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A port nobody listens on right now (bound, read and released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when something can listen on `port` again (whoever held it has let it go). */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch {
    return false;
  }
  await new Promise((resolve) => server.close(resolve));
  return true;
}
