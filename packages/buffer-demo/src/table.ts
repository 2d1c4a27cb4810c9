/**
 * TODO(common): memory-demo and the other CLIs print tables too; `formatTable` (CJK-aware
 * widths), `formatBytes` and `hexPreview` could move to common.
 *
 * Plain-text tables for the demos' printers: columns padded to their widest cell, numbers
 * right-aligned. Widths count terminal columns, so CJK text (two columns per character) lines up.
 */

/** One cell: text as it is, numbers formatted with {@link formatNumber}. */
export type Cell = string | number;

/** Terminal columns of `text`: 2 for East Asian wide characters (CJK, full-width, emoji), else 1. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** A number for a table: 3 significant digits below 100, thousands separated above. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 || Number.isInteger(n) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A byte count in binary units: `512 B`, `16 KiB`, `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : formatNumber(value)} ${units[unit]}`;
}

/** Formats `rows` under `headers`; a column whose cells are all numbers is right-aligned. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): string {
  const text = rows.map((row) => row.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'),
  );
  const widths = headers.map((h, i) =>
    Math.max(displayWidth(h), ...text.map((r) => displayWidth(r[i] ?? ''))),
  );
  const pad = (cell: string, i: number): string => {
    const fill = ' '.repeat(widths[i]! - displayWidth(cell));
    return numeric[i] ? fill + cell : cell + fill;
  };
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => pad(c, i))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/** `<Buffer e6 b7 b1 …>` like `util.inspect`, showing at most `max` bytes. */
export function hexPreview(bytes: Uint8Array, max = 24): string {
  const shown = [...bytes.subarray(0, max)].map((b) => b.toString(16).padStart(2, '0'));
  const more = bytes.length > max ? ` … ${bytes.length - max} more bytes` : '';
  return `<Buffer ${shown.join(' ')}${more}>`;
}
