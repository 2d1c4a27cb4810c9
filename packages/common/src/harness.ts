/**
 * Test harness shared by every package's tests (`common/harness`). Everything here closes what
 * it opens: pair each helper with a {@link Teardown} registered first
 * (`afterEach(() => teardown.run())`), so vitest exits by itself.
 *
 * | module                                          | what                                                   |
 * | ----------------------------------------------- | ------------------------------------------------------ |
 * | [`teardown`](harness/teardown.ts)               | `Teardown`: cleanups, last in first out                |
 * | [`wait`](harness/wait.ts)                       | `withTimeout`, `waitForEvent`, `TestTimeoutError`      |
 * | [`test-server`](harness/test-server.ts)         | `startServer`: port 0, closes every accepted socket    |
 * | [`child`](harness/child.ts)                     | `spawnMain`, `startMain`, `execMain`: a `main.ts` child |
 * | [`line-collector`](harness/line-collector.ts)   | `LineCollector`: a stream's lines, wait for one        |
 * | [`raw-client`](harness/raw-client.ts)           | `RawClient`: raw TCP/Unix client collecting bytes      |
 * | [`udp-peer`](harness/udp-peer.ts)               | `UdpPeer`: a bound UDP socket, await datagrams         |
 * | [`ports`](harness/ports.ts)                     | `freePort`, `portIsFree`: when a port must be named    |
 * | [`redis-server`](harness/redis-server.ts)       | `RedisServer`: a real redis-server on a free port      |
 * | [`cluster`](harness/cluster.ts)                 | `workerPids`, `logLines`, `killCluster`: `--workers`   |
 * | [`chunking`](chunking.ts)                       | cut a byte stream at every boundary, at random …       |
 */
export { Teardown } from './harness/teardown.ts';
export { DEFAULT_WAIT_MS, TestTimeoutError, waitForEvent, withTimeout } from './harness/wait.ts';
export { startServer, type TestServer } from './harness/test-server.ts';
export {
  execMain,
  spawnMain,
  startMain,
  type ListeningMain,
  type MainProcess,
  type SpawnMainOptions,
} from './harness/child.ts';
export { LineCollector, type LineMatch } from './harness/line-collector.ts';
export { RawClient } from './harness/raw-client.ts';
export { UdpPeer, type Datagram } from './harness/udp-peer.ts';
export {
  isProcessAlive,
  killCluster,
  logLines,
  workerPids,
  type LogLine,
} from './harness/cluster.ts';
export { freePort, portIsFree } from './harness/ports.ts';
export { RedisServer, requireRedisServer } from './harness/redis-server.ts';
export { formatAddress } from './address.ts';
export { byteByByte, chunkAt, everySplit, randomChunks, seeded, splitAt } from './chunking.ts';
