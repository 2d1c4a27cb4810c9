/**
 * Plain-text tables for the demos' output. TODO(common): buffer-demo prints tables too; this
 * belongs next to common's CLI helpers.
 */

/** A column: its header and whether its cells are right-aligned (numbers). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/**
 * Renders rows under headers, columns padded to the widest cell (by code points, so
 * `内存` counts two characters as two), separated by two spaces, with a rule under the header.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  const width = (s: string): number => [...s].length;
  const widths = columns.map((c, i) =>
    Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const pad = ' '.repeat(widths[i]! - width(cell));
        return c.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}
