/**
 * The one `listening on …` log line, written by `serve()` and read by the test harness
 * (`startMain`) and by `pnpm start`'s supervisor: the three agree through these two functions,
 * not through a copied regular expression.
 */

/** The `msg` of the line, e.g. `listening on tcp://127.0.0.1:8124`. */
export function listeningMessage(shownAddress: string): string {
  return `listening on ${shownAddress}`;
}

/**
 * The address of a `listening` line in pino's JSON form (`{"msg":"listening on …","address":
 * "tcp://127.0.0.1:8124"}`), without its scheme (`127.0.0.1:8124`, `[::1]:8443`, or a Unix
 * socket path); `undefined` for any other line.
 */
export function parseListeningLine(line: string): { address: string; url: string } | undefined {
  if (!line.includes('"listening on ')) return undefined;
  let record: { msg?: unknown; address?: unknown };
  try {
    record = JSON.parse(line) as typeof record;
  } catch {
    return undefined;
  }
  if (typeof record.msg !== 'string' || !record.msg.startsWith('listening on ')) return undefined;
  if (typeof record.address !== 'string') return undefined;
  return { url: record.address, address: record.address.replace(/^[a-z0-9+]+:\/\//, '') };
}
