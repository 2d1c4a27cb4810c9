/** The text `pnpm start` prints: the try-it table and the demos, plain or with ANSI styles. */
import type { WorkspacePackage } from './manifest.ts';
import { ChildState, type Child } from './supervisor.ts';

/** Bold and dim, or identity functions when colour is off. */
export interface Styles {
  bold(s: string): string;
  dim(s: string): string;
}

export function styles(colour: boolean): Styles {
  return colour
    ? { bold: (s) => `\x1b[1m${s}\x1b[0m`, dim: (s) => `\x1b[2m${s}\x1b[0m` }
    : { bold: (s) => s, dim: (s) => s };
}

/**
 * One row per server: name, bound address, a command to try it; or `NOT RUNNING` and the line
 * that explains why. Then the demos that are run by hand.
 */
export function renderTable(
  servers: readonly { pkg: WorkspacePackage; child: Child }[],
  demos: readonly WorkspacePackage[],
  s: Styles,
): string {
  const rows = servers.map(({ pkg, child }) =>
    child.state === ChildState.Listening
      ? [pkg.name, child.address ?? '', pkg.netlab.server!.tryIt]
      : [pkg.name, 'NOT RUNNING', child.error ?? 'failed'],
  );
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length), i === 0 ? 6 : 7));
  const line = (cells: string[]): string =>
    `  ${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]}`;
  let out = `\n${s.bold(line(['server', 'address', 'try it']))}\n${rows.map(line).join('\n')}\n`;
  if (demos.length > 0) {
    out += `\n${s.bold('  demos (run by hand)')}\n${demos
      .map(
        (p) =>
          `  ${p.name.padEnd(widths[0]!)}  ${p.netlab.cli!.command}   ${s.dim(p.netlab.cli!.label)}`,
      )
      .join('\n')}\n`;
  }
  return out;
}
