/** Number formatting for the demos' tables. */

/** Bytes in binary units, three significant digits: `512 B`, `1.50 KiB`, `64.0 MiB`, `1.00 GiB`. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${Math.round(value)} B`;
  for (const unit of ['KiB', 'MiB', 'GiB', 'TiB']) {
    value /= 1024;
    if (value < 1024 || unit === 'TiB') return `${sign}${value.toPrecision(3)} ${unit}`;
  }
  return `${sign}${value} TiB`;
}

/** Bytes as MiB with one decimal, for chart axes and columns of like values. */
export function mib(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

/** Milliseconds with a sensible precision: `0.42 ms`, `12.3 ms`, `1,234 ms`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}
