/**
 * The header of a `.heapsnapshot`: `snapshot.meta` says which column of the flat `nodes` and
 * `edges` arrays holds what, and names the node and edge types. Pure.
 */
import { HeapSnapshotError } from '../errors.ts';
import type { SnapshotLayout } from './heap-graph.ts';

/** Reads `snapshot.meta`: which column is which, and the type names. */
export function layoutOf(parsed: unknown): SnapshotLayout {
  const snapshot = (parsed as { snapshot?: Record<string, unknown> })?.snapshot;
  const meta = snapshot?.meta as Record<string, unknown> | undefined;
  const strings = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined;
  const nodeFields = strings(meta?.node_fields);
  const edgeFields = strings(meta?.edge_fields);
  const nodeTypes = strings((meta?.node_types as unknown[] | undefined)?.[0]);
  const edgeTypes = strings((meta?.edge_types as unknown[] | undefined)?.[0]);
  const nodeCount = snapshot?.node_count;
  const edgeCount = snapshot?.edge_count;
  if (!nodeFields || !edgeFields || !nodeTypes || !edgeTypes) {
    throw new HeapSnapshotError('ERR_SNAPSHOT_FORMAT', 'not a V8 heap snapshot: no meta');
  }
  if (!Number.isSafeInteger(nodeCount) || !Number.isSafeInteger(edgeCount)) {
    throw new HeapSnapshotError('ERR_SNAPSHOT_FORMAT', 'not a V8 heap snapshot: no counts');
  }
  const column = (fields: string[], name: string): number => {
    const at = fields.indexOf(name);
    if (at === -1) {
      throw new HeapSnapshotError('ERR_SNAPSHOT_FORMAT', `not a V8 heap snapshot: no ${name}`);
    }
    return at;
  };
  return {
    nodeFieldCount: nodeFields.length,
    edgeFieldCount: edgeFields.length,
    nodeCount: nodeCount as number,
    edgeCount: edgeCount as number,
    nodeTypes,
    edgeTypes,
    node: {
      type: column(nodeFields, 'type'),
      name: column(nodeFields, 'name'),
      id: column(nodeFields, 'id'),
      selfSize: column(nodeFields, 'self_size'),
      edgeCount: column(nodeFields, 'edge_count'),
    },
    edge: {
      type: column(edgeFields, 'type'),
      nameOrIndex: column(edgeFields, 'name_or_index'),
      toNode: column(edgeFields, 'to_node'),
    },
  };
}
