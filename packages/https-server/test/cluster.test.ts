/**
 * `--workers 2` (common's node:cluster primary, issue 16): two workers serve the HTTPS port and
 * the `--redirect-http` port (each worker opens both; the primary, which serves nothing, opens
 * neither), and SIGTERM drains both and exits 0 with every worker gone.
 */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isProcessAlive,
  killCluster,
  logLines,
  startMain,
  Teardown,
  workerPids,
  type LogLine,
} from 'common/harness';
import { h1, loadPki, type Pki } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

interface HttpsLine extends LogLine {
  address?: string;
}

describe('https-server --workers 2', () => {
  it('serves HTTPS and the redirect from the workers only; SIGTERM exits 0, no worker left', async () => {
    const main = await startMain(MAIN, ['--workers', '2', '--redirect-http', '0'], {
      timeoutMs: 30_000,
    });
    const workers = (): number[] => workerPids(main);
    teardown.add(main, killCluster);
    const redirects = (): HttpsLine[] =>
      logLines<HttpsLine>(main).filter((l) => l.msg === 'redirecting plain HTTP to https (308)');
    await main.stdout.waitFor(() => redirects().length === 2, 30_000);
    expect(
      redirects()
        .map((l) => l.pid)
        .sort(),
    ).toEqual(workers().sort());
    expect(new Set(redirects().map((l) => l.address)).size).toBe(1); // one port, shared

    expect((await h1(`https://localhost:${main.port}/`, { ca: pki.ca })).body).toBe(
      'hello world\n',
    );
    const location = await new Promise<string | undefined>((resolve, reject) =>
      request(`${redirects()[0]!.address}/x`, (res) => {
        res.resume();
        resolve(res.headers.location);
      })
        .on('error', reject)
        .end(),
    );
    expect(location).toBe(`https://127.0.0.1:${main.port}/x`);

    const pids = workers();
    expect(pids).toHaveLength(2);
    expect(await main.stop('SIGTERM', 20_000)).toBe(0);
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });
});
