/**
 * The §7.2 client, two ways:
 * - {@link sendOnce}: one datagram, wait for its echo with a timeout, send again a few times,
 *   give up with {@link NoReplyError}: how to live with an unreliable transport;
 * - {@link measure}: numbered probes, a bounded window in flight, and what came back: loss,
 *   duplicates, reordering, late echoes, RTT quantiles and jitter (like `iperf3 -u`, but over
 *   an echo, so one clock measures both ways).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { randomInt } from 'node:crypto';
import { resolveLimits, validateInteger, type LimitOptions } from 'common';
import { MAX_UDP_PAYLOAD_IPV4, MAX_UINT32, PROGRESS_INTERVAL_MS } from './constants.ts';
import { NoReplyError } from './errors.ts';
import { CLIENT_LIMITS } from './limits.ts';
import { EchoStats, type EchoStatsReport } from './protocol/echo-stats.ts';
import { encodeProbe } from './protocol/probe.ts';

/** Where the client sends: a host name or IP address (default `127.0.0.1`) and a port. */
export interface Target {
  host?: string;
  port: number;
}

/** Options of {@link sendOnce}. */
export interface SendOnceOptions
  extends Target, Pick<LimitOptions<typeof CLIENT_LIMITS>, 'timeout' | 'retries'> {
  /** The datagram, 0 to 65,507 bytes (a string is sent as UTF-8). */
  message: string | Uint8Array;
}

/** The echo {@link sendOnce} got. */
export interface EchoReply {
  reply: Buffer;
  /** From the send of attempt `attempt` to the reply, in ms. */
  rttMs: number;
  /**
   * Which send this RTT is measured from (1 = the first). From 2 on the RTT is ambiguous: the
   * reply may answer an earlier send (Karn's problem, RFC 6298 §3).
   */
  attempt: number;
  /** The reply's sender, `address:port`. */
  from: string;
  /** True when the reply is byte for byte what was sent. */
  echoed: boolean;
}

/** Resolves `host` once; a udp6 socket for an IPv6 address, else udp4. */
async function resolveTarget(target: Target): Promise<{ address: string; type: 'udp4' | 'udp6' }> {
  const { address, family } = await lookup(target.host ?? '127.0.0.1');
  return { address, type: family === 6 ? 'udp6' : 'udp4' };
}

function showAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `socket.send` as a promise (resolves when the datagram left, or rejects with the error). */
function sendTo(socket: Socket, msg: Uint8Array, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(msg, port, address, (err) => (err ? reject(err) : resolve())),
  );
}

/**
 * Sends `message` with `socket.send(msg, port, address)` and waits up to `timeout` ms for a
 * datagram from that address and port; sends again up to `retries` times. Datagrams from
 * anyone else are ignored.
 *
 * @throws {NoReplyError} `ERR_NO_REPLY` when no reply came after `retries + 1` sends.
 * @throws {InvalidArgumentError} for a limit out of range or a message over 65,507 bytes.
 * @throws the lookup error (`ENOTFOUND`) or a send error (`ENETUNREACH` …).
 */
export async function sendOnce(options: SendOnceOptions): Promise<EchoReply> {
  const { timeout, retries } = resolveLimits(CLIENT_LIMITS, options);
  const message =
    typeof options.message === 'string' ? Buffer.from(options.message) : options.message;
  validateInteger(message.length, 'message.length', { min: 0, max: MAX_UDP_PAYLOAD_IPV4 });
  const { address, type } = await resolveTarget(options);
  const { port } = options;
  const socket = createSocket(type);
  let onReply!: (reply: { msg: Buffer; at: number; rinfo: RemoteInfo }) => void;
  const replied = new Promise<{ msg: Buffer; at: number; rinfo: RemoteInfo }>(
    (resolve) => (onReply = resolve),
  );
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    if (rinfo.port === port && rinfo.address === address)
      onReply({ msg, at: performance.now(), rinfo });
  });
  const failed = new Promise<never>((_, reject) => socket.on('error', reject));
  try {
    for (let attempt = 1; attempt <= retries + 1; attempt += 1) {
      const sentAt = performance.now();
      await Promise.race([sendTo(socket, message, port, address), failed]);
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeout);
      });
      const got = await Promise.race([replied, expired, failed]).finally(() => clearTimeout(timer));
      if (got !== undefined) {
        return {
          reply: got.msg,
          rttMs: got.at - sentAt,
          attempt,
          from: showAddress(got.rinfo.address, got.rinfo.port),
          echoed: Buffer.compare(got.msg, message) === 0,
        };
      }
    }
    throw new NoReplyError(address, port, retries + 1, timeout);
  } finally {
    socket.close();
  }
}

/** Options of {@link measure}. */
export interface MeasureOptions
  extends Target, Pick<LimitOptions<typeof CLIENT_LIMITS>, 'size' | 'window' | 'timeout'> {
  /** Probes to send (1 … 1,000,000). */
  count: number;
  /** Stops the run early: nothing more is sent, what is in flight counts as lost. */
  signal?: AbortSignal;
  /** Called at most every 100 ms while the run goes on, and once at the end. */
  onProgress?: (progress: MeasureProgress) => void;
  /** The run's session id (uint32). Default random. */
  session?: number;
}

/** What {@link MeasureOptions.onProgress} gets. */
export interface MeasureProgress {
  count: number;
  sent: number;
  received: number;
  inFlight: number;
}

/**
 * A measurement's result: the engine's counts (`EchoStatsReport`: sent, received, lost,
 * lossPercent, duplicated, reordered, late, invalid, inFlight, rttMs, jitterMs) plus the run's
 * parameters and outcome. This is the `--json` object.
 */
export interface MeasurementResult extends EchoStatsReport {
  /** `address:port` measured. */
  target: string;
  /** Bytes per probe. */
  size: number;
  window: number;
  timeoutMs: number;
  /** From the first send to the end of the run, ms. */
  durationMs: number;
  /** Echoes received per second of `durationMs`. */
  datagramsPerSecond: number;
  /** Socket errors (send failures, ICMP errors surfacing as `error` events). */
  errors: number;
  /** Code of the last of them (`ECONNREFUSED`: ICMP port unreachable), or `null`. */
  lastError: string | null;
  /** Why the run ended before every probe was answered or given up, or `null`. */
  stopped: 'aborted' | 'port-unreachable' | null;
}

/**
 * Runs a measurement against an echo server: `count` probes of `size` bytes on a connected
 * socket, at most `window` in flight, each given up after `timeout` ms. Stops at once on
 * `ECONNREFUSED` (the ICMP port unreachable a connected socket gets: nobody listens there).
 *
 * @throws {InvalidArgumentError} for an option out of range; the lookup error (`ENOTFOUND`).
 */
export async function measure(options: MeasureOptions): Promise<MeasurementResult> {
  const { size, window, timeout } = resolveLimits(CLIENT_LIMITS, options);
  const { count } = options;
  validateInteger(count, 'count', CLIENT_LIMITS.count);
  const session = options.session ?? randomInt(0, MAX_UINT32);
  const { address, type } = await resolveTarget(options);
  const stats = new EchoStats({ count, window, timeoutMs: timeout, session, size });
  const socket = createSocket(type);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(options.port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    socket.close();
    throw err;
  }
  let errors = 0;
  let lastError: string | null = null;
  let stopped: MeasurementResult['stopped'] = null;
  let timer: NodeJS.Timeout | undefined;
  let lastProgress = 0;
  let ended = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = () => {
      ended = true;
      resolve();
    };
  });
  const progress = (now: number, force = false): void => {
    if (options.onProgress === undefined) return;
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    const { sent, received, inFlight } = stats;
    options.onProgress({ count, sent, received, inFlight });
  };
  const failed = (err: NodeJS.ErrnoException): void => {
    errors += 1;
    lastError = err.code ?? err.message;
    if (err.code === 'ECONNREFUSED') stop('port-unreachable');
  };
  const onSent = (err: Error | null): void => {
    if (err) failed(err);
  };
  const stop = (why: NonNullable<MeasurementResult['stopped']>): void => {
    stopped ??= why;
    finish();
  };
  // Sends while the window has room, then arms one timer for the oldest probe's deadline.
  const pump = (): void => {
    if (ended) return;
    for (;;) {
      const probe = stats.trySend(performance.now());
      if (probe === undefined) break;
      socket.send(encodeProbe(probe, size), onSent);
    }
    if (stats.done) return finish();
    const deadline = stats.nextDeadline();
    if (timer === undefined && deadline !== undefined) {
      timer = setTimeout(
        () => {
          timer = undefined;
          pump();
        },
        Math.max(0, Math.ceil(deadline - performance.now())),
      );
    }
  };
  socket.on('message', (msg: Buffer) => {
    if (ended) return;
    const now = performance.now();
    stats.receive(msg, now);
    progress(now);
    pump();
  });
  socket.on('error', failed);
  const onAbort = (): void => stop('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const start = performance.now();
  if (options.signal?.aborted) stop('aborted');
  else pump();
  await finished;
  const durationMs = performance.now() - start;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  progress(performance.now(), true);
  socket.close();
  const report = stats.report();
  return {
    ...report,
    target: showAddress(address, options.port),
    size,
    window,
    timeoutMs: timeout,
    durationMs,
    datagramsPerSecond: durationMs > 0 ? (report.received * 1000) / durationMs : 0,
    errors,
    lastError,
    stopped,
  };
}
