/**
 * Who keeps what alive in a heap snapshot: shortest retainer paths from the GC root and
 * retained sizes from the dominator tree, the two views of DevTools' Memory panel and of
 * memlab. Weak edges are ignored (they do not keep their target alive). Pure.
 */
import type { HeapSnapshot } from '../protocol/heap-graph.ts';

/** Node ordinal of V8's synthetic root. */
export const ROOT = 0;
const NONE = 0xffff_ffff;

/** Breadth-first search from the root: each reachable node's parent edge (shortest path). */
export class ShortestPaths {
  readonly #snapshot: HeapSnapshot;
  /** Edge by which each node was first reached; NONE for the root and unreachable nodes. */
  readonly #parentEdge: Uint32Array;
  readonly #parent: Uint32Array;

  constructor(snapshot: HeapSnapshot) {
    this.#snapshot = snapshot;
    const n = snapshot.nodeCount;
    this.#parentEdge = new Uint32Array(n).fill(NONE);
    this.#parent = new Uint32Array(n).fill(NONE);
    const queue = new Uint32Array(n);
    const seen = new Uint8Array(n);
    let head = 0;
    let tail = 0;
    queue[tail++] = ROOT;
    seen[ROOT] = 1;
    while (head < tail) {
      const from = queue[head++]!;
      const [start, end] = snapshot.edgeRange(from);
      for (let e = start; e < end; e += 1) {
        if (snapshot.isWeak(e)) continue;
        const to = snapshot.edgeTarget(e);
        if (seen[to] === 1) continue;
        seen[to] = 1;
        this.#parent[to] = from;
        this.#parentEdge[to] = e;
        queue[tail++] = to;
      }
    }
  }

  /** True when `node` is reachable from the root by strong edges. */
  reachable(node: number): boolean {
    return node === ROOT || this.#parent[node] !== NONE;
  }

  /**
   * The shortest chain of retainers from the root to `node`, one step per edge, written the
   * way JavaScript would reach it: `Context.leakArray`, `(object elements)[12]`,
   * `LruCache.#map`; the last step is `node`'s own name. Empty when unreachable.
   */
  pathTo(node: number): string[] {
    if (!this.reachable(node)) return [];
    const steps: string[] = [displayName(this.#snapshot, node)];
    for (let at = node; at !== ROOT; at = this.#parent[at]!) {
      const from = this.#parent[at]!;
      if (from === ROOT) break; // the synthetic root has no name worth showing
      const s = this.#snapshot;
      // (GC roots), (Stack roots), (Handle scope): their edge names are slot numbers.
      const via = s.nodeType(from) === 'synthetic' ? '' : edgeLabel(s, this.#parentEdge[at]!);
      steps.push(`${displayName(s, from)}${via}`);
    }
    return steps.reverse();
  }
}

/** How a node is shown in a path: its name, or `(type)` when it has none. */
export function displayName(snapshot: HeapSnapshot, node: number): string {
  const name = snapshot.nodeName(node);
  const type = snapshot.nodeType(node);
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string')
    return '(string)';
  if (type === 'closure') return `${name || '(anonymous)'}()`;
  return name === '' ? `(${type})` : name;
}

function edgeLabel(snapshot: HeapSnapshot, edge: number): string {
  const name = snapshot.edgeName(edge);
  switch (snapshot.edgeType(edge)) {
    case 'element':
    case 'hidden':
      return `[${name}]`;
    case 'shortcut':
      return ` -> ${name}`;
    default:
      if (/^\d+$/.test(name)) return `[${name}]`;
      return /^[A-Za-z_$#][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
  }
}

/**
 * The dominator tree (Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm", 2001,
 * as DevTools uses it) over strong edges, and every node's retained size: its own size plus
 * the sizes of all nodes it dominates, i.e. what would be freed if it were gone.
 */
export class Dominators {
  /** Immediate dominator of each node; NONE for unreachable nodes. */
  readonly idom: Uint32Array;
  /** Retained size of each node, in bytes (unreachable nodes: their self size). */
  readonly retained: Float64Array;

  constructor(snapshot: HeapSnapshot) {
    const n = snapshot.nodeCount;
    const { order, post } = postorder(snapshot);
    const preds = predecessors(snapshot, post);
    const idom = new Uint32Array(n).fill(NONE);
    idom[ROOT] = ROOT;
    let changed = true;
    while (changed) {
      changed = false;
      // Reverse postorder, root (last in postorder) excluded.
      for (let k = order.length - 2; k >= 0; k -= 1) {
        const node = order[k]!;
        let candidate = NONE;
        for (let p = preds.start[node]!; p < preds.start[node + 1]!; p += 1) {
          const pred = preds.list[p]!;
          if (idom[pred] === NONE) continue;
          candidate = candidate === NONE ? pred : intersect(pred, candidate, idom, post);
        }
        if (candidate !== NONE && idom[node] !== candidate) {
          idom[node] = candidate;
          changed = true;
        }
      }
    }
    const retained = new Float64Array(n);
    for (let i = 0; i < n; i += 1) retained[i] = snapshot.selfSize(i);
    // Postorder visits every node before its dominator (a DFS ancestor).
    for (const node of order) {
      if (node === ROOT) continue;
      const dominator = idom[node]!;
      retained[dominator] = retained[dominator]! + retained[node]!;
    }
    this.idom = idom;
    this.retained = retained;
  }
}

function intersect(a: number, b: number, idom: Uint32Array, post: Uint32Array): number {
  let x = a;
  let y = b;
  while (x !== y) {
    while (post[x]! < post[y]!) x = idom[x]!;
    while (post[y]! < post[x]!) y = idom[y]!;
  }
  return x;
}

/** Iterative depth-first postorder from the root over strong edges. */
function postorder(snapshot: HeapSnapshot): { order: Uint32Array; post: Uint32Array } {
  const n = snapshot.nodeCount;
  const post = new Uint32Array(n).fill(NONE);
  const visited = new Uint8Array(n);
  const stackNode = new Uint32Array(n);
  const stackEdge = new Uint32Array(n);
  const order: number[] = [];
  let top = 0;
  stackNode[0] = ROOT;
  stackEdge[0] = snapshot.edgeRange(ROOT)[0];
  visited[ROOT] = 1;
  while (top >= 0) {
    const node = stackNode[top]!;
    const end = snapshot.edgeRange(node)[1];
    let e = stackEdge[top]!;
    while (e < end && (snapshot.isWeak(e) || visited[snapshot.edgeTarget(e)] === 1)) e += 1;
    if (e < end) {
      stackEdge[top] = e + 1;
      const next = snapshot.edgeTarget(e);
      visited[next] = 1;
      top += 1;
      stackNode[top] = next;
      stackEdge[top] = snapshot.edgeRange(next)[0];
    } else {
      post[node] = order.length;
      order.push(node);
      top -= 1;
    }
  }
  return { order: Uint32Array.from(order), post };
}

/** Strong in-edges of every reachable node, as compressed rows (`start` offsets into `list`). */
function predecessors(
  snapshot: HeapSnapshot,
  post: Uint32Array,
): { start: Uint32Array; list: Uint32Array } {
  const n = snapshot.nodeCount;
  const start = new Uint32Array(n + 1);
  const forEachEdge = (fn: (from: number, to: number) => void): void => {
    for (let from = 0; from < n; from += 1) {
      if (post[from] === NONE) continue;
      const [s, end] = snapshot.edgeRange(from);
      for (let e = s; e < end; e += 1) if (!snapshot.isWeak(e)) fn(from, snapshot.edgeTarget(e));
    }
  };
  forEachEdge((_, to) => {
    start[to + 1] = start[to + 1]! + 1;
  });
  for (let i = 0; i < n; i += 1) start[i + 1] = start[i + 1]! + start[i]!;
  const fill = start.slice(0, n);
  const list = new Uint32Array(start[n]!);
  forEachEdge((from, to) => {
    list[fill[to]!++] = from;
  });
  return { start, list };
}
