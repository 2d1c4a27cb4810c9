/**
 * A parsed heap snapshot as a graph: nodes and edges addressed by ordinal (0 … n − 1), read
 * straight out of the snapshot's flat typed arrays, no object per node. Node 0 is V8's
 * synthetic root. Built by {@link HeapSnapshotParser}; pure.
 */
import { HeapSnapshotError } from '../errors.ts';

/** The columns of `nodes` and `edges` and the type names, from `snapshot.meta`. */
export interface SnapshotLayout {
  nodeFieldCount: number;
  edgeFieldCount: number;
  nodeCount: number;
  edgeCount: number;
  /** `node_types[0]`: `hidden`, `array`, `string`, `object`, `code`, `closure`, … */
  nodeTypes: readonly string[];
  /** `edge_types[0]`: `context`, `element`, `property`, `internal`, `hidden`, `shortcut`, `weak`. */
  edgeTypes: readonly string[];
  node: { type: number; name: number; id: number; selfSize: number; edgeCount: number };
  edge: { type: number; nameOrIndex: number; toNode: number };
}

/** Edge types whose `name_or_index` is a number (an index), not a string index. */
const NUMBERED_EDGE_TYPES = new Set(['element', 'hidden']);

/** One V8 heap snapshot. */
export class HeapSnapshot {
  readonly layout: SnapshotLayout;
  readonly strings: readonly string[];
  readonly #nodes: Float64Array;
  readonly #edges: Uint32Array;
  /** `#firstEdge[i]` … `#firstEdge[i + 1]` are node i's edges (edge ordinals). */
  readonly #firstEdge: Uint32Array;
  /** Edge ordinal → target node ordinal. */
  readonly #target: Uint32Array;
  readonly #weakType: number;
  readonly #numbered: readonly boolean[];

  /** @throws {HeapSnapshotError} `ERR_SNAPSHOT_FORMAT` when an index points outside the arrays. */
  constructor(
    layout: SnapshotLayout,
    nodes: Float64Array,
    edges: Uint32Array,
    strings: readonly string[],
  ) {
    this.layout = layout;
    this.strings = strings;
    this.#nodes = nodes;
    this.#edges = edges;
    const { nodeCount, edgeCount, nodeFieldCount, edgeFieldCount } = layout;
    this.#firstEdge = new Uint32Array(nodeCount + 1);
    let next = 0;
    for (let i = 0; i < nodeCount; i += 1) {
      this.#firstEdge[i] = next;
      next += nodes[i * nodeFieldCount + layout.node.edgeCount]!;
      if (nodes[i * nodeFieldCount + layout.node.name]! >= strings.length) bad('node name');
      if (nodes[i * nodeFieldCount + layout.node.type]! >= layout.nodeTypes.length) bad('type');
    }
    if (next !== edgeCount) bad(`edge counts add up to ${next}, not ${edgeCount}`);
    this.#firstEdge[nodeCount] = next;
    this.#numbered = layout.edgeTypes.map((t) => NUMBERED_EDGE_TYPES.has(t));
    this.#weakType = layout.edgeTypes.indexOf('weak');
    this.#target = new Uint32Array(edgeCount);
    for (let e = 0; e < edgeCount; e += 1) {
      const to = edges[e * edgeFieldCount + layout.edge.toNode]!;
      if (to % nodeFieldCount !== 0 || to >= nodes.length) bad('edge target');
      this.#target[e] = to / nodeFieldCount;
      const type = edges[e * edgeFieldCount + layout.edge.type]!;
      if (type >= layout.edgeTypes.length) bad('edge type');
      const name = edges[e * edgeFieldCount + layout.edge.nameOrIndex]!;
      if (!this.#numbered[type] && name >= strings.length) bad('edge name');
    }
  }

  get nodeCount(): number {
    return this.layout.nodeCount;
  }

  get edgeCount(): number {
    return this.layout.edgeCount;
  }

  /** The node's type: `object`, `closure`, `string`, `array`, `hidden`, `native`, … */
  nodeType(node: number): string {
    return this.layout.nodeTypes[this.#node(node, this.layout.node.type)]!;
  }

  /** The node's name: the constructor for an `object`, the text for a `string`, … */
  nodeName(node: number): string {
    return this.strings[this.#node(node, this.layout.node.name)]!;
  }

  /** The node's id: stable across snapshots of one process (V8's HeapObjectsMap). */
  nodeId(node: number): number {
    return this.#node(node, this.layout.node.id);
  }

  /** The node's own size in bytes (not what it keeps alive). */
  selfSize(node: number): number {
    return this.#node(node, this.layout.node.selfSize);
  }

  /** Edge ordinals of `node`: `[start, end)`. */
  edgeRange(node: number): [number, number] {
    return [this.#firstEdge[node]!, this.#firstEdge[node + 1]!];
  }

  edgeTarget(edge: number): number {
    return this.#target[edge]!;
  }

  edgeType(edge: number): string {
    return this.layout.edgeTypes[this.#edgeTypeIndex(edge)]!;
  }

  /** A weak edge does not keep its target alive (WeakMap keys, weak references, caches). */
  isWeak(edge: number): boolean {
    return this.#edgeTypeIndex(edge) === this.#weakType;
  }

  /** The edge's name: a property or variable name, or an element index as a string. */
  edgeName(edge: number): string {
    const raw = this.#edges[edge * this.layout.edgeFieldCount + this.layout.edge.nameOrIndex]!;
    return this.#numbered[this.#edgeTypeIndex(edge)] ? String(raw) : this.strings[raw]!;
  }

  #edgeTypeIndex(edge: number): number {
    return this.#edges[edge * this.layout.edgeFieldCount + this.layout.edge.type]!;
  }

  #node(node: number, column: number): number {
    return this.#nodes[node * this.layout.nodeFieldCount + column]!;
  }
}

function bad(what: string): never {
  throw new HeapSnapshotError('ERR_SNAPSHOT_FORMAT', `not a V8 heap snapshot: bad ${what}`);
}
