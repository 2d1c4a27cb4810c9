/**
 * `--workers 2` (common's node:cluster primary, issue 16): the workers share one UDP socket
 * (the kernel hands each datagram to one of them); SIGUSR2 to the primary makes every worker
 * log its own counters; `--rate` is refused (its buckets are per process); SIGTERM exits 0
 * with every worker gone.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  execMain,
  isProcessAlive,
  killCluster,
  logLines,
  startMain,
  Teardown,
  workerPids,
  type LogLine,
} from 'common/harness';
import { UdpPeer } from './peer.ts';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');
const teardown = new Teardown();
afterEach(() => teardown.run());

interface UdpLine extends LogLine {
  reason?: string;
  received?: number;
}

describe('udp-server --workers 2', () => {
  it('echoes from two processes; SIGUSR2 makes each worker log its counters; SIGTERM exits 0', async () => {
    const main = await startMain(MAIN, ['--workers', '2']);
    const workers = (): number[] => workerPids(main);
    teardown.add(main, killCluster);
    await main.stdout.waitFor(
      () => logLines(main).filter((l) => l.msg === 'worker listening').length === 2,
    );
    const peer = await UdpPeer.bind();
    teardown.add(peer, (p) => p.close());
    const sent = 20;
    for (let i = 0; i < sent; i += 1) {
      await peer.send(`datagram ${i}`, main.port);
      expect((await peer.next()).msg.toString()).toBe(`datagram ${i}`);
    }

    const counters = (): UdpLine[] =>
      logLines<UdpLine>(main).filter((l) => l.msg === 'counters' && l.reason === 'SIGUSR2');
    main.child.kill('SIGUSR2');
    await main.stdout.waitFor(() => counters().length === 2);
    expect(
      counters()
        .map((l) => l.pid)
        .sort(),
    ).toEqual(workers().sort());
    expect(counters().reduce((sum, l) => sum + l.received!, 0)).toBe(sent);

    const pids = workers();
    expect(await main.stop('SIGTERM', 20_000)).toBe(0);
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });

  it('--rate with --workers 2 exits 2: the rate limit needs one process', async () => {
    const { code, stderr } = await execMain(MAIN, ['--workers', '2', '--rate', '5']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'udp-server: --rate needs one process (its buckets are per process: --workers N would allow N times the rate)',
    );
  });
});
