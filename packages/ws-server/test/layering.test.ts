/**
 * Layering (issue 9): the package's modules import each other without cycles, type-only imports
 * included (a cycle through types is still one a reader has to untangle), and the connection
 * plumbing stands below the public `WebSocket`, never the reverse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** `import … from './x.ts'`, `export … from`, `import type`, `import './x.ts'`: relative targets only. */
const IMPORT = /^\s*(?:import|export)\b[^;]*?(?:from\s*)?'(\.{1,2}\/[^']+)'/gm;

/** The package's import graph: file (relative to src/) → the files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) =>
      relative(SRC, resolve(dirname(file), m[1]!)),
    );
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** One import cycle as a path `a → b → a`, or undefined (depth-first search, three colours). */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const at = stack.indexOf(file);
    if (at !== -1) return [...stack.slice(at), file];
    if (done.has(file)) return undefined;
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    done.add(file);
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

describe('layering', () => {
  const graph = importGraph();

  it('reads the imports it checks (the parser sees multi-line and type-only imports)', () => {
    expect(graph.get('websocket.ts')).toEqual(
      expect.arrayContaining(['connection.ts', 'websocket-types.ts', 'limits.ts']),
    );
    expect(graph.get('clients.ts')).toContain('websocket.ts'); // `import type`
    expect(graph.get('connection.ts')).toContain('protocol/frame-decoder.ts'); // multi-line
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
  });

  it('has no import cycle in src/', () => {
    const cycle = findCycle(graph);
    expect(cycle, cycle?.join(' → ')).toBeUndefined();
  });

  it('keeps the connection plumbing below WebSocket, and the protocol modules pure', () => {
    expect(graph.get('connection.ts')).not.toContain('websocket.ts');
    for (const [file, targets] of graph) {
      if (!file.startsWith('protocol/')) continue;
      for (const target of targets) {
        expect(
          target.startsWith('protocol/') || ['constants.ts', 'errors.ts'].includes(target),
          `${file} imports ${target}`,
        ).toBe(true);
      }
    }
  });
});
