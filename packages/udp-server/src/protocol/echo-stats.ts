/**
 * The measurement engine behind `udp-server client --count N`: which probe to send next (at
 * most `window` in flight), when an unanswered one is given up, and what the echoes say about
 * the path: loss, duplicates, reordering, late arrivals, round-trip times and jitter. Pure: the
 * time is passed in (ms on a monotonic clock), no sockets, no timers; the tests feed it
 * synthetic arrival sequences.
 *
 * Definitions (one probe = one sequence number):
 * - **received**: probes whose echo arrived at least once, late ones included;
 *   **lost** = sent − received, so lost + received = sent.
 * - **late**: the echo arrived `timeoutMs` or more after the send, when the probe had been
 *   given up and its window slot reused (a late probe is received, not lost).
 * - **duplicated**: extra copies of an echo already received (not counted in received).
 * - **reordered**: a first echo whose sequence number is lower than one received before it
 *   (RFC 4737 §3.3's "Type-P-Reordered": below the next expected number).
 * - **RTT**: arrival − send time of each first echo; quantiles by nearest rank.
 * - **jitter**: RFC 3550 §6.4.1's interarrival jitter with the RTT as the transit time: for
 *   consecutive first echoes i, j in arrival order, `D = RTT_j − RTT_i` and `J += (|D| − J) / 16`.
 */
import { assertNever } from 'common/protocol';
import { JITTER_GAIN_DIVISOR } from '../constants.ts';
import { ProbeError } from '../errors.ts';
import { decodeProbe, type Probe } from './probe.ts';

/** Options of {@link EchoStats}. */
export interface EchoStatsOptions {
  /** Probes to send in all; sizes the per-probe arrays (17 bytes per probe). */
  count: number;
  /** Most probes in flight (sent, neither answered nor given up). */
  window: number;
  /** A probe unanswered this long (ms) is given up: its slot is freed, a later echo is late. */
  timeoutMs: number;
  /** The run's session id, written into every probe (uint32). */
  session: number;
  /** The size every probe is sent with, in bytes; an echo of another size is invalid. */
  size: number;
}

/** What one received datagram turned out to be ({@link EchoStats.arrival}). */
export enum Arrival {
  /** The first echo of a probe still in flight. */
  InTime = 'in-time',
  /** The first echo of a probe already given up (`timeoutMs` or more after its send). */
  Late = 'late',
  /** Another copy of an echo already received. */
  Duplicate = 'duplicate',
  /** Not the echo of a probe of this run (see `ProbeError`); only {@link EchoStats.receive}. */
  Invalid = 'invalid',
}

/** Round-trip times of the first echoes, in ms. */
export interface RttSummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The engine's counts (see the module comment for the definitions). */
export interface EchoStatsReport {
  sent: number;
  received: number;
  lost: number;
  /** lost / sent × 100; 0 when nothing was sent. */
  lossPercent: number;
  duplicated: number;
  reordered: number;
  late: number;
  /** Datagrams that were not an echo of this run's probes. */
  invalid: number;
  /** Probes still in flight (non-zero only for a run stopped early); counted as lost. */
  inFlight: number;
  /** `null` when no echo arrived. */
  rttMs: RttSummary | null;
  /** RFC 3550 jitter in ms; `null` with fewer than two echoes (no difference to take). */
  jitterMs: number | null;
}

/** Per-probe state. `Unsent` is 0: a fresh `Uint8Array` starts there. */
enum ProbeState {
  Unsent = 0,
  InFlight = 1,
  Answered = 2,
  GivenUp = 3,
  AnsweredLate = 4,
}

/** The measurement engine; see the module comment. */
export class EchoStats {
  readonly options: Readonly<EchoStatsOptions>;
  readonly #state: Uint8Array;
  readonly #sentAt: Float64Array;
  /** RTTs of first echoes, in arrival order; `#received` of them are filled. */
  readonly #rtts: Float64Array;
  #sent = 0;
  #inFlight = 0;
  #received = 0;
  #late = 0;
  #duplicated = 0;
  #reordered = 0;
  #invalid = 0;
  #highestSequence = -1;
  #lastRtt: number | undefined;
  #jitter = 0;
  /** Lowest sequence number that may still be in flight: deadlines grow with it. */
  #oldest = 0;

  constructor(options: EchoStatsOptions) {
    this.options = { ...options };
    this.#state = new Uint8Array(options.count);
    this.#sentAt = new Float64Array(options.count);
    this.#rtts = new Float64Array(options.count);
  }

  /** Probes sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Probes in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** First echoes received so far (late ones included). */
  get received(): number {
    return this.#received;
  }

  /** True once every probe was sent and each is answered or given up. */
  get done(): boolean {
    return this.#sent === this.options.count && this.#inFlight === 0;
  }

  /**
   * The next probe to send at `now`, recorded as in flight; `undefined` when all were sent or
   * the window is full (after giving up the probes due at `now`).
   */
  trySend(now: number): Probe | undefined {
    this.giveUp(now);
    if (this.#sent === this.options.count || this.#inFlight >= this.options.window) {
      return undefined;
    }
    const sequence = this.#sent;
    this.#sent += 1;
    this.#state[sequence] = ProbeState.InFlight;
    this.#sentAt[sequence] = now;
    this.#inFlight += 1;
    return { session: this.options.session, sequence, sentAt: now };
  }

  /**
   * Gives up every probe unanswered for `timeoutMs` at `now`, freeing its window slot. Returns
   * how many. Amortized O(1): probes are given up in send order.
   */
  giveUp(now: number): number {
    let n = 0;
    for (; this.#oldest < this.#sent; this.#oldest += 1) {
      const i = this.#oldest;
      if (this.#state[i] !== ProbeState.InFlight) continue;
      if (this.#sentAt[i]! + this.options.timeoutMs > now) break;
      this.#state[i] = ProbeState.GivenUp;
      this.#inFlight -= 1;
      n += 1;
    }
    return n;
  }

  /** When the oldest probe in flight is due to be given up (ms), or `undefined` if none is. */
  nextDeadline(): number | undefined {
    while (this.#oldest < this.#sent && this.#state[this.#oldest] !== ProbeState.InFlight) {
      this.#oldest += 1;
    }
    if (this.#oldest === this.#sent) return undefined;
    return this.#sentAt[this.#oldest]! + this.options.timeoutMs;
  }

  /**
   * Decodes a received datagram and records it ({@link arrival}); a datagram that is not the
   * echo of one of this run's probes is counted as invalid and returns {@link Arrival.Invalid}.
   * Never throws for bad input.
   */
  receive(datagram: Buffer, now: number): Arrival {
    try {
      const probe = decodeProbe(datagram, this.options);
      return this.arrival(probe.sequence, probe.sentAt, now);
    } catch (err) {
      if (!(err instanceof ProbeError)) throw err;
      this.#invalid += 1;
      return Arrival.Invalid;
    }
  }

  /**
   * Records the echo of probe `sequence`, which says it was sent at `sentAt`, arriving at `now`.
   *
   * @throws {ProbeError} `ERR_PROBE_UNKNOWN_SEQUENCE` for a number not sent yet,
   *   `ERR_PROBE_TIMESTAMP_MISMATCH` when `sentAt` is not the time it was sent with.
   */
  arrival(sequence: number, sentAt: number, now: number): Arrival {
    if (!Number.isInteger(sequence) || sequence < 0 || sequence >= this.#sent) {
      throw new ProbeError(
        'ERR_PROBE_UNKNOWN_SEQUENCE',
        `probe ${sequence} was not sent (${this.#sent} sent so far)`,
      );
    }
    if (this.#sentAt[sequence] !== sentAt) {
      throw new ProbeError(
        'ERR_PROBE_TIMESTAMP_MISMATCH',
        `probe ${sequence} carries send time ${sentAt}, it was sent at ${this.#sentAt[sequence]}`,
      );
    }
    this.giveUp(now);
    const state = this.#state[sequence] as ProbeState;
    switch (state) {
      case ProbeState.Answered:
      case ProbeState.AnsweredLate:
        this.#duplicated += 1;
        return Arrival.Duplicate;
      case ProbeState.InFlight:
        this.#state[sequence] = ProbeState.Answered;
        this.#inFlight -= 1;
        this.#firstEcho(sequence, now - sentAt);
        return Arrival.InTime;
      case ProbeState.GivenUp:
        this.#state[sequence] = ProbeState.AnsweredLate;
        this.#late += 1;
        this.#firstEcho(sequence, now - sentAt);
        return Arrival.Late;
      case ProbeState.Unsent: // excluded by the range check above
        throw new ProbeError('ERR_PROBE_UNKNOWN_SEQUENCE', `probe ${sequence} was not sent`);
      default:
        return assertNever(state, 'probe state');
    }
  }

  #firstEcho(sequence: number, rtt: number): void {
    this.#rtts[this.#received] = rtt;
    this.#received += 1;
    if (sequence < this.#highestSequence) this.#reordered += 1;
    else this.#highestSequence = sequence;
    if (this.#lastRtt !== undefined) {
      const d = rtt - this.#lastRtt;
      this.#jitter += (Math.abs(d) - this.#jitter) / JITTER_GAIN_DIVISOR;
    }
    this.#lastRtt = rtt;
  }

  /** The counts so far (see {@link EchoStatsReport}). */
  report(): EchoStatsReport {
    const lost = this.#sent - this.#received;
    return {
      sent: this.#sent,
      received: this.#received,
      lost,
      lossPercent: this.#sent === 0 ? 0 : (lost / this.#sent) * 100,
      duplicated: this.#duplicated,
      reordered: this.#reordered,
      late: this.#late,
      invalid: this.#invalid,
      inFlight: this.#inFlight,
      rttMs: summarize(this.#rtts.subarray(0, this.#received)),
      jitterMs: this.#received < 2 ? null : this.#jitter,
    };
  }
}

/** min, mean, p50/p90/p99 (nearest rank) and max of `rtts`; `null` when empty. */
export function summarize(rtts: Float64Array): RttSummary | null {
  const n = rtts.length;
  if (n === 0) return null;
  const sorted = rtts.slice().sort(); // typed arrays sort numerically
  const rank = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    min: sorted[0]!,
    mean: sum / n,
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: sorted[n - 1]!,
  };
}
