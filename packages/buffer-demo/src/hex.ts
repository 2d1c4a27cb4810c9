/** Buffers shown the way `util.inspect` (and the book) prints them. */

/** `<Buffer e6 b7 b1 …>` like `util.inspect`, showing at most `max` bytes. */
export function hexPreview(bytes: Uint8Array, max = 24): string {
  const shown = [...bytes.subarray(0, max)].map((b) => b.toString(16).padStart(2, '0'));
  const more = bytes.length > max ? ` … ${bytes.length - max} more bytes` : '';
  return `<Buffer ${shown.join(' ')}${more}>`;
}
