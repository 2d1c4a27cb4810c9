/**
 * Reading a `--workers` run from the outside (common's `node:cluster` primary, `cluster.ts`):
 * every process of the cluster writes JSON log lines to the one stdout the test reads, each with
 * pino's `pid`, so the lines say which process served what.
 */
import type { MainProcess } from './child.ts';

/** A JSON log line: pino's `msg` and `pid`, and the line's own fields. */
export interface LogLine {
  msg: string;
  pid: number;
  [field: string]: unknown;
}

/**
 * The JSON log lines `main` printed so far (other lines skipped), parsed; `Line` names the
 * fields a test reads (`interface Counters extends LogLine { received?: number }`).
 */
export function logLines<Line extends LogLine = LogLine>(main: MainProcess): Line[] {
  return main.stdout.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

/** The PIDs of the workers a primary reported starting so far (its `worker started` lines). */
export function workerPids(main: MainProcess): number[] {
  return logLines(main)
    .filter((l) => l.msg === 'worker started')
    .map((l) => l.pid);
}

/** True while a process with this PID exists (signal 0). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A teardown for a cluster: SIGKILL to every worker still alive (a SIGKILLed primary cannot
 * stop them), then to the primary. Never rejects.
 */
export async function killCluster(main: MainProcess): Promise<void> {
  for (const pid of workerPids(main).filter(isProcessAlive)) process.kill(pid, 'SIGKILL');
  await main.stop('SIGKILL').catch(() => undefined);
}
