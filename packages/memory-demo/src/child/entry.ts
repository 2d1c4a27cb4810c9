/**
 * The entry point of every experiment child: `node [V8 flags] --import tsx entry.ts NAME
 * PARAMS_JSON`, started by `runChild` with fd 3 open as the result channel. Loads only the
 * experiment it runs, so each child's heap holds that experiment and nothing else.
 */
import { fstatSync, writeSync } from 'node:fs';
import { RESULT_FD, type ChildMessage, type Experiment } from './protocol.ts';

/** Each experiment's module, loaded on demand. */
const EXPERIMENTS: Record<string, () => Promise<{ run: Experiment<never, unknown> }>> = {
  usage: () => import('../experiments/usage.ts'),
  'limit-heap': () => import('../experiments/limit-heap.ts'),
  'limit-buffers': () => import('../experiments/limit-buffers.ts'),
  gc: () => import('../experiments/gc.ts'),
  scope: () => import('../experiments/scope.ts'),
  leak: () => import('../experiments/leak.ts'),
  stream: () => import('../experiments/stream.ts'),
};

function send(message: ChildMessage): void {
  writeSync(RESULT_FD, `${JSON.stringify(message)}\n`);
}

const [name = '', params = '{}'] = process.argv.slice(2);
try {
  fstatSync(RESULT_FD);
} catch {
  process.stderr.write(
    `memory-demo experiment: fd ${RESULT_FD} is not open (run it via runChild)\n`,
  );
  process.exit(2);
}
const load = EXPERIMENTS[name];
if (load === undefined) {
  process.stderr.write(`memory-demo experiment: unknown experiment '${name}'\n`);
  process.exit(2);
}
const { run } = await load();
const result = await run(JSON.parse(params) as never, {
  sample: (data) => send({ type: 'sample', data }),
});
send({ type: 'result', data: result });
// Exit now: an experiment may leave unref'd timers or sockets behind; its result is out.
process.exit(0);
