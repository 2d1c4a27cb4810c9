/**
 * The progress bar of the long demos (cli-progress, on stderr, so `--json` stdout stays one
 * object). Only drawn when stderr is a terminal: in a pipe or a log it would be noise.
 */
import cliProgress from 'cli-progress';

/** A bar the demos drive through their `onProgress(done, total, step?)` callbacks. */
export interface Progress {
  update(done: number, total: number, step?: string): void;
  stop(): void;
}

/** A bar labelled `label`, or a no-op when `enabled` is false. */
export function createProgress(label: string, enabled: boolean): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {step}`,
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, step = '') {
      if (!started) {
        bar.start(total, 0, { step });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { step });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
