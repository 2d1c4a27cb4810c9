/** Number formatting for the demos' charts (tables use common's `formatBytes`, `formatMs`). */

/** Bytes as MiB with one decimal, for chart axes and columns of like values. */
export function mib(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}
