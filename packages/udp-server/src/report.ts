/**
 * What the client CLI prints: the measurement's result table and its progress line. Formatting
 * only; `main.ts` decides where it goes.
 */
import cliProgress from 'cli-progress';
import type { EchoReply, MeasureProgress, MeasurementResult } from './client.ts';

const ms = (x: number): string => x.toFixed(3);
const int = (x: number): string => x.toLocaleString('en-US');

/** The one-shot client's line about a reply (the reply itself goes to stdout as it came). */
export function formatReply(r: EchoReply): string {
  const ambiguous = r.attempt > 1 ? ', ambiguous: it may answer an earlier send' : '';
  const differs = r.echoed ? '' : ' (not what was sent)';
  return `${int(r.reply.length)} bytes from ${r.from}${differs} in ${ms(r.rttMs)} ms (attempt ${r.attempt}${ambiguous})`;
}

/** The measurement's result as a two-column table, ending with a newline. */
export function formatResult(r: MeasurementResult): string {
  const rows: [string, string][] = [
    ['sent', int(r.sent)],
    ['received', `${int(r.received)} (${int(r.late)} late)`],
    ['lost', `${int(r.lost)} (${r.lossPercent.toFixed(2)} %)`],
    ['duplicated', int(r.duplicated)],
    ['reordered', int(r.reordered)],
    ['invalid', int(r.invalid)],
    [
      'rtt ms',
      r.rttMs === null
        ? 'n/a'
        : `min ${ms(r.rttMs.min)}  p50 ${ms(r.rttMs.p50)}  p90 ${ms(r.rttMs.p90)}  p99 ${ms(r.rttMs.p99)}  max ${ms(r.rttMs.max)}`,
    ],
    ['jitter ms', r.jitterMs === null ? 'n/a' : ms(r.jitterMs)],
    [
      'rate',
      `${int(Math.round(r.datagramsPerSecond))} echoes/s over ${int(Math.round(r.durationMs))} ms`,
    ],
  ];
  if (r.errors > 0) rows.push(['errors', `${int(r.errors)} (last ${r.lastError})`]);
  if (r.stopped !== null) rows.push(['stopped', r.stopped]);
  const head = `${int(r.sent)} × ${int(r.size)} B to ${r.target}, window ${r.window}, timeout ${r.timeoutMs} ms`;
  return `${head}\n${rows.map(([k, v]) => `  ${k.padEnd(11)} ${v}`).join('\n')}\n`;
}

/** A progress line on `stream` (a terminal), updated in place, cleared at the end. */
export class ProgressLine {
  readonly #bar: cliProgress.SingleBar;

  constructor(count: number, stream: NodeJS.WritableStream) {
    this.#bar = new cliProgress.SingleBar(
      {
        format: '[{bar}] {value}/{total} sent, {received} echoed, {inFlight} in flight',
        stream,
        clearOnComplete: true,
        hideCursor: false, // a second Ctrl-C exits at once: never leave the cursor hidden
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(count, 0, { received: 0, inFlight: 0 });
  }

  update(p: MeasureProgress): void {
    this.#bar.update(p.sent, { received: p.received, inFlight: p.inFlight });
  }

  stop(): void {
    this.#bar.stop();
  }
}
