/**
 * Numbers for people: the formatting every CLI table and report line of netlab shares, so
 * that `1.50 MiB` or `12.3 ms` reads the same in every demo.
 */

/** A number for a table: up to 3 significant decimals below 100, thousands separated above. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 || Number.isInteger(n) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `64 KiB`, `1.23 GiB` (see {@link formatNumber}). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(value) : formatNumber(value)} ${units[unit]}`;
}

/** Milliseconds with a sensible precision: `0.42 ms`, `12.3 ms`, `1,234 ms`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}
