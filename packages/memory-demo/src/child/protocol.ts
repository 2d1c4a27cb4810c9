/**
 * The result channel between an experiment child and the demo that started it: JSON lines on
 * file descriptor 3 ({@link RESULT_FD}), written synchronously by the child so that what it
 * sent before dying of an out-of-memory abort is not lost. stdout and stderr stay free for
 * what V8 prints (`--trace-gc`, `FATAL ERROR: … heap out of memory`).
 */
import { RESULT_FD } from '../constants.ts';

export { RESULT_FD };

/** One line on the channel: a progress sample, or the experiment's result (sent last). */
export type ChildMessage = { type: 'sample'; data: unknown } | { type: 'result'; data: unknown };

/** What an experiment gets to talk to its parent. */
export interface Channel {
  /** Sends one progress sample now (synchronously: it survives a crash that follows). */
  sample(data: object): void;
}

/** An experiment: runs in the child, resolves with plain JSON-able data. */
export type Experiment<P, R> = (params: P, channel: Channel) => Promise<R>;

/** Parses one channel line; `undefined` when it is not a message. */
export function parseChildMessage(line: string): ChildMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const type = (value as { type?: unknown } | null)?.type;
  if ((type === 'sample' || type === 'result') && 'data' in (value as object)) {
    return value as ChildMessage;
  }
  return undefined;
}
