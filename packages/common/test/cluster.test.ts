import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { listen, boundPort } from '../src/index.ts';
import {
  execMain,
  isProcessAlive,
  killCluster,
  logLines,
  RawClient,
  startMain,
  Teardown,
  type ListeningMain,
} from '../src/harness.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/echo-main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

/** The workers a primary reported starting, as `{ worker, pid }`. */
function workers(main: ListeningMain): { worker: number; pid: number }[] {
  return logLines<{ msg: string; pid: number; worker: number }>(main).filter(
    (l) => l.msg === 'worker started',
  );
}

async function startCluster(args: string[]): Promise<ListeningMain> {
  const main = await startMain(FIXTURE, ['--workers', '2', ...args], { timeoutMs: 30_000 });
  teardown.add(main, killCluster);
  return main;
}

describe('--workers (node:cluster)', () => {
  it('two workers serve one port; one listening line, from the primary', async () => {
    const main = await startCluster([]);
    expect(main.stdout.lines.filter((l) => l.includes('"msg":"listening on'))).toHaveLength(1);
    // Each worker logs its own line (the primary may log first: it hears of the listen by IPC).
    const workerLines = (): number =>
      main.stdout.lines.filter((l) => l.includes('"msg":"worker listening"')).length;
    await main.stdout.waitFor(() => workerLines() === 2);
    expect(workerLines()).toBe(2);
    expect(workers(main)).toHaveLength(2);
    const client = teardown.add(await RawClient.connect({ port: main.port }), (c) => c.destroy());
    client.write('over the cluster\n');
    expect(await client.waitForText('over the cluster\n')).toBe('over the cluster\n');
  });

  it('replaces a worker that dies, and still serves', async () => {
    const main = await startCluster([]);
    const [first] = workers(main);
    process.kill(first!.pid, 'SIGKILL');
    await main.stdout.waitFor('worker died; starting a replacement', 10_000);
    await main.stdout.waitFor(
      (l) => workers(main).length === 3 && l.includes('worker listening'),
      15_000,
    );
    const client = teardown.add(await RawClient.connect({ port: main.port }), (c) => c.destroy());
    client.write('still here\n');
    expect(await client.waitForText('still here\n')).toBe('still here\n');
  });

  it('SIGTERM drains every worker (an open connection finishes) and exits 0', async () => {
    const main = await startCluster(['--linger', '300']);
    const client = teardown.add(await RawClient.connect({ port: main.port }), (c) => c.destroy());
    client.write('before\n');
    await client.waitForText('before\n');
    const pids = workers(main).map((w) => w.pid);
    const stopped = main.stop('SIGTERM', 15_000);
    client.end(); // the worker ends its side 300 ms after our FIN: a graceful drain waits for it
    expect(await stopped).toBe(0);
    expect((await client.waitForEnd()).toString()).toBe('before\n');
    expect(pids.filter(isProcessAlive)).toEqual([]);
    expect(main.stdout.text).toContain('"msg":"closed"');
  });

  it('a worker that cannot listen stops the cluster: one line, exit 1, no restart loop', async () => {
    const blocker = createServer();
    teardown.add(blocker, () => new Promise((r) => blocker.close(r)));
    await listen(blocker, { host: '127.0.0.1', port: 0 });
    const result = await execMain(FIXTURE, [
      '--workers',
      '2',
      '--port',
      String(boundPort(blocker)),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('address already in use (EADDRINUSE)');
    expect(result.stderr).toContain('before listening (ERR_WORKER_START_FAILED)');
    expect(result.stdout).not.toContain('starting a replacement');
  });

  it('--workers is validated like every flag', async () => {
    const result = await execMain(FIXTURE, ['--workers', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("echo-fixture: --workers must be an integer (got 'many')");
  });
});
