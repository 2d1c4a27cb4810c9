/**
 * `--workers 2` (common's node:cluster primary, issue 16): two worker processes serve one port,
 * and SIGTERM drains both (an open connection finishes) and exits 0 with every worker gone.
 * tcp-server keeps no state across connections, so each worker is a whole server.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isProcessAlive,
  killCluster,
  RawClient,
  startMain,
  Teardown,
  workerPids,
} from 'common/harness';
import { ECHO_GREETING } from '../src/constants.ts';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');
const teardown = new Teardown();
afterEach(() => teardown.run());

describe('tcp-server --workers 2', () => {
  it('serves from two processes; SIGTERM drains both and exits 0', async () => {
    const main = await startMain(MAIN, ['--workers', '2']);
    teardown.add(main, killCluster);
    await main.stdout.waitFor(
      () => main.stdout.lines.filter((l) => l.includes('"msg":"worker listening"')).length === 2,
    );
    expect(main.stdout.lines.filter((l) => l.includes('"msg":"listening on'))).toHaveLength(1);
    // The primary hands connections to the workers in turn: two clients, two processes (their
    // `connection` log lines name the client's port and the worker's pid).
    const clients = [
      await RawClient.connect({ port: main.port }),
      await RawClient.connect({ port: main.port }),
    ];
    const servedBy: number[] = [];
    for (const [i, c] of clients.entries()) {
      teardown.add(c, () => c.destroy());
      c.write(`client ${i}\n`);
      expect(await c.waitForText(`client ${i}\n`)).toBe(`${ECHO_GREETING}client ${i}\n`);
      const remote = `"remote":"127.0.0.1:${c.socket.localPort}"`;
      const line = await main.stdout.waitFor(
        (l) => l.includes('"msg":"connection"') && l.includes(remote),
      );
      servedBy.push((JSON.parse(line) as { pid: number }).pid);
    }
    const pids = workerPids(main);
    expect(new Set(servedBy)).toEqual(new Set(pids));
    expect(pids).toHaveLength(2);
    const stopped = main.stop('SIGTERM', 20_000);
    for (const c of clients) c.end(); // the echo ends its side after ours: a graceful drain
    expect(await stopped).toBe(0);
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(main.stdout.text).toContain('"msg":"closed"');
  });
});
