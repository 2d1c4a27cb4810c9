/**
 * The `scope` experiment (§5.3 内存指南: 作用域, 闭包, `delete` vs 重新赋值): each step allocates
 * or lets go of one large array and reads `heapUsed` after a forced full GC. Whether the array
 * is still alive is then a matter of a few MiB, not of noise.
 */
import type { Channel } from '../child/protocol.ts';
import { forceGc } from './heap.ts';

/** Parameters from the parent. */
export interface ScopeParams {
  /** Size of the array each step allocates, bytes (8 per element). */
  bytes: number;
}

/** One step: what ran (as code) and `heapUsed` after it, bytes. */
export interface ScopeStep {
  step: string;
  code: string;
  /** Whether the book's rules say the array is still reachable after this step. */
  expectRetained: boolean;
  heapUsed: number;
}

type Global = typeof globalThis & { big?: number[] };

/** Runs the steps in order; each step is also sent as a sample. */
export async function run(params: ScopeParams, channel: Channel): Promise<{ steps: ScopeStep[] }> {
  const elements = Math.floor(params.bytes / 8);
  const alloc = (): number[] => new Array<number>(elements).fill(0);
  const g = globalThis as Global;
  const steps: ScopeStep[] = [];
  const measure = (step: string, code: string, expectRetained: boolean): void => {
    forceGc();
    const s = { step, code, expectRetained, heapUsed: process.memoryUsage().heapUsed };
    steps.push(s);
    channel.sample(s);
  };

  measure('baseline', '', false);

  const local = (): number => alloc().length;
  local();
  measure('local variable, function returned', 'function f() { const a = alloc(); }', false);

  g.big = alloc();
  measure('global variable', 'globalThis.big = alloc()', true);
  delete g.big;
  measure('after delete', 'delete globalThis.big', false);

  g.big = alloc();
  measure('global variable again', 'globalThis.big = alloc()', true);
  g.big = undefined;
  measure('after reassigning undefined', 'globalThis.big = undefined', false);
  delete g.big;

  const outer = (): (() => number) => {
    const a = alloc();
    return () => a.length;
  };
  // Held in an object, not a local: a local's stale copy in a register could keep it alive.
  const holder: { fn: (() => number) | null } = { fn: outer() };
  measure('closure kept', 'let get = outer() // returns () => a.length', true);
  holder.fn = null;
  measure('closure dropped', 'get = null', false);

  // V8 puts every variable that any inner function uses into ONE context object, shared by all
  // closures of that scope: a closure that never mentions `a` still keeps it alive.
  const shared = (): (() => number) => {
    const a = alloc();
    const unused = (): number => a.length;
    void unused;
    return () => 42;
  };
  holder.fn = shared();
  measure('closure that never uses it', 'let h = shared() // a sibling used a; h returns 42', true);
  holder.fn = null;
  measure('that closure dropped', 'h = null', false);
  return { steps };
}
