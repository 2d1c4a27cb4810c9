/** The demos, in the book's order: what `memory-demo` with no argument lists. */
export interface DemoInfo {
  name: string;
  /** Book section(s), 深入浅出Node.js chapter 5. */
  section: string;
  summary: string;
}

/** Every command of the CLI, in the book's order. */
export const DEMOS: readonly DemoInfo[] = [
  {
    name: 'usage',
    section: '§5.1',
    summary: 'process.memoryUsage(), heap statistics and heap spaces, explained',
  },
  {
    name: 'limit',
    section: '§5.1.2, §5.6',
    summary: 'the heap limit: arrays die of OOM in 64 MiB; 1 GiB of Buffers does not',
  },
  {
    name: 'gc',
    section: '§5.1.4, §5.5.1',
    summary:
      'scavenge vs mark-compact: --trace-gc and PerformanceObserver, two allocation patterns',
  },
  {
    name: 'scope',
    section: '§5.3',
    summary: 'scope, closures, delete vs = undefined: what is released, what is kept',
  },
  {
    name: 'leak',
    section: '§5.4, §5.5',
    summary: 'three leaks and their fixes, found by heap slope and three snapshots',
  },
  {
    name: 'stream',
    section: '§5.6',
    summary: 'copy a file larger than the heap: readFile dies, streams stay flat',
  },
  {
    name: 'server',
    section: '§5.4, §5.5',
    summary: 'an HTTP server that leaks on purpose: /leak, /fixed, /metrics, /snapshot',
  },
  {
    name: 'load',
    section: '§5.5',
    summary: 'drive the server; live chart of the leaking and the bounded cache',
  },
  {
    name: 'diff',
    section: '§5.5',
    summary: 'three heap snapshot files: what grew between them, and who holds it',
  },
];
