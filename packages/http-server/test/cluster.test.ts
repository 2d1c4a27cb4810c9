/**
 * `--workers 2` (common's node:cluster primary, issue 16): two worker processes answer on one
 * port (the primary hands them connections in turn), and SIGTERM drains both (a request in
 * flight is answered) and exits 0 with every worker gone. http-server keeps no state across
 * requests, so each worker is a whole server.
 */
import { request, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isProcessAlive,
  killCluster,
  startMain,
  Teardown,
  workerPids,
  type LogLine,
} from 'common/harness';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

/** GET on a connection of its own; resolves with the response, its body and the client port. */
function get(
  port: number,
  path: string,
): Promise<{ res: IncomingMessage; body: string; localPort: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ res, body, localPort: req.socket!.localPort! }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('http-server --workers 2', () => {
  it('answers from two processes; SIGTERM waits for a request in flight, exits 0, no worker left', async () => {
    // `--log-level debug`: each worker logs its `connection` lines, naming the client's port.
    const main = await startMain(MAIN, ['--workers', '2', '--log-level', 'debug']);
    teardown.add(main, killCluster);
    await main.stdout.waitFor(
      () => main.stdout.lines.filter((l) => l.includes('"msg":"worker listening"')).length === 2,
    );
    const servedBy = new Set<number>();
    for (let i = 0; i < 4; i += 1) {
      const { res, body, localPort } = await get(main.port, '/');
      expect(res.statusCode).toBe(200);
      expect(body).toBe('Hello World\n');
      const line = await main.stdout.waitFor(
        (l) => l.includes('"msg":"connection"') && l.includes(`"remote":"127.0.0.1:${localPort}"`),
      );
      servedBy.add((JSON.parse(line) as LogLine).pid);
    }
    const pids = workerPids(main);
    expect(pids).toHaveLength(2);
    expect(servedBy).toEqual(new Set(pids)); // round-robin: both workers, never the primary

    // An upload in flight when SIGTERM arrives is still answered: its worker drains it.
    let connected!: (port: number) => void;
    const localPort = new Promise<number>((resolve) => (connected = resolve));
    const upload = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { port: main.port, path: '/echo', method: 'POST', agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.on('socket', (socket) => socket.on('connect', () => connected(socket.localPort!)));
      req.write('first half, ');
      // The rest once the worker holding this connection is shutting down (its line counts 1).
      void main.stdout
        .waitFor((l) => l.includes('"msg":"shutting down"') && l.includes('"connections":1'))
        .then(() => req.end('second half'));
    });
    const port = await localPort;
    await main.stdout.waitFor(
      (l) => l.includes('"msg":"connection"') && l.includes(`"remote":"127.0.0.1:${port}"`),
    );
    const stopped = main.stop('SIGTERM', 20_000);
    expect(await upload).toEqual({ status: 200, body: 'first half, second half' });
    expect(await stopped).toBe(0);
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });
});
