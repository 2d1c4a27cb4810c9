/**
 * A full garbage collection on demand, for the demos that measure retained memory. `--expose-gc`
 * is switched on at run time (`v8.setFlagsFromString`) and `gc` taken from a fresh context, so
 * the CLI needs no node flag (memory-demo, whose experiments are all about the heap, starts
 * its children with explicit V8 flags instead); the function is made once, on first use.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFunction: (() => void) | undefined;

/** Runs two full GCs (the second frees what the first's finalizers released). */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
  gcFunction();
}

/** `process.memoryUsage()` after {@link collectGarbage}: what is still reachable. */
export function retainedMemory(): NodeJS.MemoryUsage {
  collectGarbage();
  return process.memoryUsage();
}
