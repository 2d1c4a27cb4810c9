/**
 * The servers `pnpm --filter https-server scan` scans (`https-server`: HTTPS and HTTP/2;
 * `tls-echo`: the TLS echo), each started on a free port with the dev PKI, and one scan.
 *
 * testssl.sh 3.0.8 (Debian 12) cannot present a client certificate, so tls-echo runs with
 * `--allow-unauthorized` for the scan: it still asks for one, and its TLS profile is the same.
 * A full scan takes minutes per server; `--quick` runs only the checks that flagged Node's
 * defaults before the profile (server cipher order, renegotiation, HTTP headers; LUCKY13).
 */
import { fileURLToPath } from 'node:url';
import { ensureDevCerts } from 'certs';
import { startMain, type ListeningMain } from 'common/harness';
import { formatSummary, judge, runTestssl, testsslVersion, type Verdict } from './testssl.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** The servers this script can scan: how to start each, what to point testssl.sh at. */
export const TARGETS = {
  'https-server': {
    main: here('../src/main.ts'),
    args: [],
    url: (port: number) => `https://localhost:${port}/`,
    quick: ['-P', '-R', '-h'],
  },
  'tls-echo': {
    main: here('../../tls-echo/src/main.ts'),
    args: ['--allow-unauthorized'],
    url: (port: number) => `localhost:${port}`,
    quick: ['-R', '-L'],
  },
} as const;
export type TargetName = keyof typeof TARGETS;

/** Starts `name`, scans it, stops it; returns the verdict and its Markdown summary. */
export async function scan(
  name: TargetName,
  quick: boolean,
): Promise<{ verdict: Verdict; summary: string }> {
  const target = TARGETS[name];
  const [version, dev] = await Promise.all([testsslVersion(), ensureDevCerts()]);
  // At log level info: startMain waits for the `listening on` line. A scanner leaves half-done
  // handshakes behind: a short graceful shutdown, then they are cut.
  const server: ListeningMain = await startMain(
    target.main,
    [...target.args, '--shutdown-timeout', '1000'],
    { timeoutMs: 30_000 },
  );
  try {
    const { findings } = await runTestssl({
      target: target.url(server.port),
      ip: '127.0.0.1',
      caFile: dev.ca,
      checks: quick ? target.quick : [],
    });
    const verdict = judge(findings);
    const title = `testssl.sh ${version} against ${name} (TLS profile intermediate), ${quick ? `quick scan (${target.quick.join(' ')})` : 'full scan'}, ${new Date().toISOString().slice(0, 10)}`;
    return { verdict, summary: formatSummary(title, verdict) };
  } finally {
    await server.stop('SIGTERM', 10_000);
  }
}
