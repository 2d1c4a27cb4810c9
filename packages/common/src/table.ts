/**
 * Plain-text tables for CLI output: columns padded to their widest cell, two spaces apart, a
 * rule under the header. Widths are terminal columns (`string-width`), so CJK text such as
 * 《静夜思》 (two columns per character) lines up.
 */
import stringWidth from 'string-width';
import { formatNumber } from './format.ts';

/** One cell: text as it is; a number is formatted with `formatNumber`. */
export type Cell = string | number;

/** A column: a header, or a header with its alignment. */
export type Column = string | { header: string; align?: 'left' | 'right' };

/**
 * Formats `rows` under `columns`. A column is right-aligned when it says so, or, when it does
 * not say, when every cell in it is a number.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
): string {
  const headers = columns.map((c) => (typeof c === 'string' ? c : c.header));
  const right = columns.map((c, i) =>
    typeof c !== 'string' && c.align !== undefined
      ? c.align === 'right'
      : rows.length > 0 && rows.every((r) => typeof r[i] === 'number'),
  );
  const text = rows.map((row) => headers.map((_, i) => cellText(row[i])));
  const widths = headers.map((h, i) =>
    Math.max(stringWidth(h), ...text.map((r) => stringWidth(r[i]!))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const fill = ' '.repeat(widths[i]! - stringWidth(cell));
        return right[i] ? fill + cell : cell + fill;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

function cellText(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  return typeof cell === 'number' ? formatNumber(cell) : cell;
}
