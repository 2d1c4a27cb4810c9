/**
 * Demo `structure` (§6.1 Buffer结构): a Buffer is a `Uint8Array` of bytes 0–255; what an
 * element assignment stores (the book's `-100 → 156`, `300 → 44`, `3.1415 → 3`); UTF-8 puts 3
 * bytes in each CJK character; and why the modern constructors replaced `new Buffer()`:
 * `Buffer.allocUnsafe` hands out memory that was never cleared, as `new Buffer(n)` did before
 * Node 8 (DEP0005), while `Buffer.alloc` zero-fills.
 */
import { BOOK_ASSIGNMENTS, BOOK_TEXT, STALE_ATTEMPTS, STALE_SECRET } from '../constants.ts';
import { collectGarbage } from '../gc.ts';
import { formatTable } from 'common';
import { hexPreview } from '../hex.ts';

/** One `buf[i] = assigned`: what the element holds afterwards, and the book's rule for it. */
export interface Assignment {
  assigned: number;
  stored: number;
  rule: string;
}

/** One character of the UTF-8 example: its bytes in hex (`e6 b7 b1`). */
export interface CharacterBytes {
  character: string;
  hex: string;
  bytes: number;
}

/** What {@link structureDemo} returns (the `--json` object, with `demo` and `node` added). */
export interface StructureResult {
  /** `Buffer.from(…) instanceof Uint8Array`, `BYTES_PER_ELEMENT` (1) and the element range. */
  element: { isUint8Array: boolean; bytesPerElement: number; min: number; max: number };
  assignments: Assignment[];
  /** `Buffer.from('深入浅出node.js')`: inspected, its `length` in characters and bytes. */
  utf8: {
    text: string;
    inspect: string;
    characters: number;
    bytes: number;
    perCharacter: CharacterBytes[];
  };
  /** `Buffer.alloc(size)`: always zero-filled. */
  alloc: { size: number; nonZeroBytes: number };
  /**
   * `Buffer.allocUnsafe(size)` after freeing a Buffer full of {@link STALE_SECRET}: the attempt
   * (1-based) at which the secret was found in the new, "empty" Buffer, or `null` if it was not
   * within `attempts`; `nonZeroBytes` of that Buffer; `excerpt`: the bytes around the find.
   */
  allocUnsafe: {
    size: number;
    attempts: number;
    foundAtAttempt: number | null;
    nonZeroBytes: number;
    excerpt: string;
  };
}

/** Extra assignments beyond the book's three, to show the wrap-around at both ends. */
const EXTRA_ASSIGNMENTS = [256, -1, 255.9] as const;

/** The size of the unsafe allocation: unpooled (above `poolSize >>> 1`), like a freed read buffer. */
const UNSAFE_SIZE = 64 * 1024;

/** Runs the demo. Synchronous apart from the GCs it forces; no I/O. */
export function structureDemo(): StructureResult {
  const probe = Buffer.alloc(1);
  const assignments = [...BOOK_ASSIGNMENTS, ...EXTRA_ASSIGNMENTS].map((assigned) => {
    probe[0] = assigned;
    return { assigned, stored: probe[0], rule: assignmentRule(assigned) };
  });
  const utf8 = Buffer.from(BOOK_TEXT, 'utf8');
  const perCharacter = [...BOOK_TEXT].map((character) => {
    const bytes = Buffer.from(character, 'utf8');
    return {
      character,
      hex: bytes.toString('hex').replace(/(..)(?!$)/g, '$1 '),
      bytes: bytes.length,
    };
  });
  const zeroed = Buffer.alloc(UNSAFE_SIZE);
  return {
    element: {
      isUint8Array: utf8 instanceof Uint8Array,
      bytesPerElement: utf8.BYTES_PER_ELEMENT,
      min: 0,
      max: 2 ** (8 * utf8.BYTES_PER_ELEMENT) - 1,
    },
    assignments,
    utf8: {
      text: BOOK_TEXT,
      inspect: hexPreview(utf8, utf8.length),
      characters: [...BOOK_TEXT].length,
      bytes: utf8.length,
      perCharacter,
    },
    alloc: { size: zeroed.length, nonZeroBytes: countNonZero(zeroed) },
    allocUnsafe: findStaleBytes(UNSAFE_SIZE, STALE_ATTEMPTS),
  };
}

/** The book's wording of ToUint8 (ECMAScript: truncate toward zero, then modulo 2⁸). */
function assignmentRule(value: number): string {
  if (!Number.isInteger(value)) return 'fraction dropped';
  if (value < 0) return '+256 until ≥ 0';
  if (value > 255) return '−256 until ≤ 255';
  return 'stored as is';
}

function countNonZero(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (b !== 0) n += 1;
  return n;
}

/** Fills memory with a secret, lets it be freed, and looks for the secret in `allocUnsafe`. */
function findStaleBytes(size: number, attempts: number): StructureResult['allocUnsafe'] {
  const secret = Buffer.from(STALE_SECRET, 'latin1');
  let last = Buffer.alloc(0);
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    plantSecret(size);
    collectGarbage();
    last = Buffer.allocUnsafe(size);
    const at = last.indexOf(secret);
    if (at >= 0) {
      return {
        size,
        attempts,
        foundAtAttempt: attempt,
        nonZeroBytes: countNonZero(last),
        excerpt: printable(last.subarray(at, at + secret.length * 2)),
      };
    }
  }
  return { size, attempts, foundAtAttempt: null, nonZeroBytes: countNonZero(last), excerpt: '' };
}

/** A Buffer full of the secret that becomes garbage at once (its memory goes back to malloc). */
function plantSecret(size: number): void {
  Buffer.allocUnsafeSlow(size).fill(STALE_SECRET, 'latin1');
}

function printable(bytes: Uint8Array): string {
  return [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
}

/** The demo's text output. */
export function formatStructure(r: StructureResult): string {
  const found =
    r.allocUnsafe.foundAtAttempt === null
      ? `the secret was not found in ${r.allocUnsafe.attempts} attempts this time (the memory is still uninitialised: ${r.allocUnsafe.nonZeroBytes} non-zero bytes)`
      : `found the freed secret at attempt ${r.allocUnsafe.foundAtAttempt}: "${r.allocUnsafe.excerpt}"; ${r.allocUnsafe.nonZeroBytes} of ${r.allocUnsafe.size} bytes non-zero`;
  return [
    `§6.1 Buffer结构: a Buffer is a Uint8Array (${r.element.isUint8Array}), ${r.element.bytesPerElement} byte per element, values ${r.element.min}–${r.element.max}`,
    '',
    'Element assignment (buf[0] = value):',
    formatTable(
      ['assigned', 'stored', 'rule'],
      r.assignments.map((a) => [String(a.assigned), a.stored, a.rule]),
    ),
    '',
    `Buffer.from('${r.utf8.text}', 'utf8'): ${r.utf8.characters} characters, ${r.utf8.bytes} bytes`,
    r.utf8.inspect,
    formatTable(
      ['character', 'UTF-8 bytes', 'count'],
      r.utf8.perCharacter.map((c) => [c.character, c.hex, c.bytes]),
    ),
    '',
    'Why new Buffer(n) was deprecated (DEP0005): before Node 8 it returned uninitialised memory.',
    `  Buffer.alloc(${r.alloc.size}):       ${r.alloc.nonZeroBytes} non-zero bytes (zero-filled)`,
    `  Buffer.allocUnsafe(${r.allocUnsafe.size}): ${found}`,
  ].join('\n');
}
