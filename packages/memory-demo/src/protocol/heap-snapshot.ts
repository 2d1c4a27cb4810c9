/**
 * A streaming parser of V8's `.heapsnapshot` format (what `v8.writeHeapSnapshot()`, DevTools
 * and `--heapsnapshot-signal` write), pure: bytes in with {@link HeapSnapshotParser.push}, a
 * {@link HeapSnapshot} out of {@link HeapSnapshotParser.end}. No file, no stream, no logger.
 *
 * The format is one JSON object whose header describes flat arrays (V8's
 * `HeapSnapshotJSONSerializer`, src/profiler/heap-snapshot-generator.cc):
 *
 * ```text
 * {"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count",…],
 *   "node_types":[["hidden","array","string","object",…],…], "edge_fields":["type",
 *   "name_or_index","to_node"], "edge_types":[["context","element",…],…], …},
 *   "node_count":N, "edge_count":M, …},
 *  "nodes":[…N × node_fields numbers…], "edges":[…M × edge_fields numbers…],
 *  "trace_function_infos":[…], "trace_tree":[…], "samples":[…], "locations":[…],
 *  "strings":["…", …]}
 * ```
 *
 * A node's edges follow the edges of the nodes before it (`edge_count` each); `to_node` is an
 * index into `nodes` (a multiple of the field count); `name` and, for most edge types,
 * `name_or_index` index `strings`.
 *
 * Memory is bounded: numbers go straight into typed arrays sized from the header (a header that
 * claims more numbers than `maxBytes` could hold is refused before allocating), only the
 * `strings` are kept as JS strings, and the whole input is limited to `maxBytes`. Split UTF-8
 * characters across chunks survive (a `StringDecoder`, the lesson of §6.3's 《静夜思》).
 */
import { StringDecoder } from 'node:string_decoder';
import { assertNever } from 'common/protocol';
import { HeapSnapshotError } from '../errors.ts';
import { MAX_SNAPSHOT_HEADER_BYTES, MAX_SNAPSHOT_KEY_GAP } from '../constants.ts';
import { HeapSnapshot, type SnapshotLayout } from './heap-graph.ts';
import { layoutOf } from './snapshot-meta.ts';

/** Where the parser is in the document. */
enum State {
  /** Collecting `{"snapshot":{…},` up to `"nodes":[`. */
  Header,
  /** Reading the numbers of `nodes`. */
  Nodes,
  /** Reading the numbers of `edges`. */
  Edges,
  /** Between arrays: looking for the next `"key":[` (`edges` after `nodes`, then `strings`). */
  SeekArray,
  /** Inside an array this parser does not need (`trace_tree`, `samples`, …), nested or not. */
  SkipArray,
  /** Reading the JSON strings of `strings`. */
  Strings,
  /** After `strings`' `]`: only the closing `}` and whitespace may follow. */
  AfterStrings,
  Done,
}

const NODES_KEY = '"nodes":[';
const ARRAY_KEY = /"([a-z_]+)"\s*:\s*\[/;

/** Options of {@link HeapSnapshotParser}. */
export interface HeapSnapshotParserOptions {
  /** Largest input accepted, in bytes. Over it: `ERR_SNAPSHOT_TOO_LARGE`. */
  maxBytes: number;
}

/**
 * Parses one `.heapsnapshot`, chunk by chunk.
 *
 * @throws {HeapSnapshotError} from `push`/`end`: `ERR_SNAPSHOT_TOO_LARGE`,
 *   `ERR_SNAPSHOT_FORMAT`, `ERR_SNAPSHOT_TRUNCATED` (see its TSDoc).
 */
export class HeapSnapshotParser {
  readonly #maxBytes: number;
  readonly #decoder = new StringDecoder('utf8');
  #state = State.Header;
  #bytes = 0;
  /** Header or key text collected so far (bounded by the constants above). */
  #text = '';
  #layout: SnapshotLayout | undefined;
  #nodes = new Float64Array(0);
  #edges = new Uint32Array(0);
  #filled = 0;
  /** The number being read (digits may span chunks), -1 between numbers. */
  #number = -1;
  #depth = 0;
  #edgesRead = false;
  readonly #strings: string[] = [];
  /** The string being read (it may span chunks); undefined between strings. */
  #token: string | undefined;

  constructor(opts: HeapSnapshotParserOptions) {
    this.#maxBytes = opts.maxBytes;
  }

  /** Feeds the next bytes (or already decoded text). */
  push(chunk: Buffer | string): void {
    this.#bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (this.#bytes > this.#maxBytes) {
      throw new HeapSnapshotError(
        'ERR_SNAPSHOT_TOO_LARGE',
        `heap snapshot larger than ${this.#maxBytes} bytes`,
      );
    }
    this.#consume(typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
  }

  /** Ends the input and returns the snapshot, its graph checked for dangling indexes. */
  end(): HeapSnapshot {
    this.#consume(this.#decoder.end());
    if (this.#state !== State.Done) {
      throw new HeapSnapshotError(
        'ERR_SNAPSHOT_TRUNCATED',
        `heap snapshot ended early (in ${State[this.#state]})`,
      );
    }
    return new HeapSnapshot(this.#layout!, this.#nodes, this.#edges, this.#strings);
  }

  #consume(text: string): void {
    let pos = 0;
    while (pos < text.length) {
      switch (this.#state) {
        case State.Header:
          pos = this.#header(text, pos);
          break;
        case State.Nodes:
          pos = this.#numbers(text, pos, this.#nodes);
          break;
        case State.Edges:
          pos = this.#numbers(text, pos, this.#edges);
          break;
        case State.SeekArray:
          pos = this.#seekArray(text, pos);
          break;
        case State.SkipArray:
          pos = this.#skipArray(text, pos);
          break;
        case State.Strings:
          pos = this.#stringsArray(text, pos);
          break;
        case State.AfterStrings:
        case State.Done:
          pos = this.#trailer(text, pos);
          break;
        default:
          assertNever(this.#state);
      }
    }
  }

  #header(text: string, pos: number): number {
    this.#text += text.slice(pos);
    const at = this.#text.indexOf(NODES_KEY);
    if (at === -1) {
      if (this.#text.length > MAX_SNAPSHOT_HEADER_BYTES) this.#fail('no "nodes" array in header');
      return text.length;
    }
    const head = this.#text.slice(0, at).replace(/,\s*$/, '');
    const rest = this.#text.slice(at + NODES_KEY.length);
    this.#text = '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(`${head}}`);
    } catch {
      this.#fail('header is not JSON');
    }
    this.#layout = layoutOf(parsed);
    const { nodeFieldCount, edgeFieldCount, nodeCount, edgeCount } = this.#layout;
    // Every number takes at least two characters (a digit and a separator).
    if ((nodeCount * nodeFieldCount + edgeCount * edgeFieldCount) * 2 > this.#maxBytes) {
      throw new HeapSnapshotError(
        'ERR_SNAPSHOT_TOO_LARGE',
        `header announces ${nodeCount} nodes and ${edgeCount} edges: more than ${this.#maxBytes} bytes`,
      );
    }
    this.#nodes = new Float64Array(nodeCount * nodeFieldCount);
    this.#edges = new Uint32Array(edgeCount * edgeFieldCount);
    this.#state = State.Nodes;
    this.#consume(rest);
    return text.length;
  }

  /** Digits into `into`; `]` ends the array, which must then be exactly full. */
  #numbers(text: string, pos: number, into: Float64Array | Uint32Array): number {
    let i = pos;
    let n = this.#number;
    for (; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) {
        n = (n === -1 ? 0 : n * 10) + (c - 0x30);
        continue;
      }
      if (n !== -1) {
        this.#store(into, n);
        n = -1;
      }
      if (c === 0x2c || c === 0x0a || c === 0x0d || c === 0x20 || c === 0x09) continue;
      if (c === 0x5d) {
        if (this.#filled !== into.length) {
          this.#fail(`array holds ${this.#filled} numbers, header says ${into.length}`);
        }
        this.#number = -1;
        this.#filled = 0;
        if (into === this.#edges) this.#edgesRead = true;
        this.#state = State.SeekArray;
        return i + 1;
      }
      this.#fail(`unexpected '${text[i]}' in a number array`);
    }
    this.#number = n;
    return i;
  }

  #store(into: Float64Array | Uint32Array, n: number): void {
    if (this.#filled >= into.length) this.#fail(`more numbers than the header announced`);
    if (into instanceof Uint32Array && n > 0xffff_ffff) this.#fail(`edge value ${n} out of range`);
    into[this.#filled] = n;
    this.#filled += 1;
  }

  #seekArray(text: string, pos: number): number {
    this.#text += text.slice(pos);
    const m = ARRAY_KEY.exec(this.#text);
    if (m === null) {
      if (this.#text.length > MAX_SNAPSHOT_KEY_GAP) this.#fail('no "strings" array');
      return text.length;
    }
    const rest = this.#text.slice(m.index + m[0].length);
    this.#text = '';
    if (m[1] === 'edges' && !this.#edgesRead) this.#state = State.Edges;
    else if (m[1] === 'strings' && this.#edgesRead) this.#state = State.Strings;
    else if (m[1] === 'nodes' || m[1] === 'edges' || m[1] === 'strings') {
      this.#fail(`unexpected "${m[1]}" array`);
    } else {
      this.#state = State.SkipArray;
      this.#depth = 1;
    }
    this.#consume(rest);
    return text.length;
  }

  #skipArray(text: string, pos: number): number {
    for (let i = pos; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === 0x5b) this.#depth += 1;
      else if (c === 0x5d) {
        this.#depth -= 1;
        if (this.#depth === 0) {
          this.#state = State.SeekArray;
          return i + 1;
        }
      } else if (c === 0x22) this.#fail('unexpected string in a number array');
    }
    return text.length;
  }

  #stringsArray(text: string, pos: number): number {
    let i = pos;
    while (i < text.length) {
      if (this.#token === undefined) {
        const c = text.charCodeAt(i);
        if (c === 0x22) this.#token = '';
        else if (c === 0x5d) {
          this.#state = State.AfterStrings;
          return i + 1;
        } else if (c !== 0x2c && c !== 0x0a && c !== 0x0d && c !== 0x20 && c !== 0x09) {
          this.#fail(`unexpected '${text[i]}' in strings`);
        }
        i += 1;
        continue;
      }
      const quote = text.indexOf('"', i);
      if (quote === -1) {
        this.#token += text.slice(i);
        return text.length;
      }
      const candidate = this.#token + text.slice(i, quote);
      i = quote + 1;
      if (trailingBackslashes(candidate) % 2 === 1) {
        this.#token = `${candidate}"`; // an escaped quote: the string goes on
        continue;
      }
      this.#strings.push(candidate.includes('\\') ? decodeJsonString(candidate) : candidate);
      this.#token = undefined;
    }
    return i;
  }

  #trailer(text: string, pos: number): number {
    for (let i = pos; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === 0x7d && this.#state === State.AfterStrings) this.#state = State.Done;
      else if (c !== 0x0a && c !== 0x0d && c !== 0x20 && c !== 0x09) {
        this.#fail(`unexpected '${text[i]}' after the strings`);
      }
    }
    return text.length;
  }

  #fail(why: string): never {
    throw new HeapSnapshotError('ERR_SNAPSHOT_FORMAT', `not a V8 heap snapshot: ${why}`);
  }
}

function trailingBackslashes(s: string): number {
  let n = 0;
  while (n < s.length && s.charCodeAt(s.length - 1 - n) === 0x5c) n += 1;
  return n;
}

function decodeJsonString(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new HeapSnapshotError('ERR_SNAPSHOT_FORMAT', 'not a V8 heap snapshot: bad string');
  }
}
