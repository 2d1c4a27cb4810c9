/**
 * `certs/testssl`: running Debian's testssl.sh against a netlab TLS server and judging its
 * findings: nothing of severity MEDIUM or above, except the missing revocation information that
 * a dev PKI cannot have (no CRL distribution point, no OCSP responder). `runTestssl` spawns it,
 * `scanServer` starts a package's `main.ts`, scans it and stops it; the rest is pure. Each TLS
 * package scans itself (`pnpm --filter <pkg> scan`, and a quick scan in its tests).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetlabError, parseFlags, rejectPositionals, runMain } from 'common';
import { startMain } from 'common/harness';
import { ensureDevCerts } from './dev-certs.ts';

/** testssl.sh's severities, lowest first (`OK` and `INFO` are not problems). */
export const SEVERITIES = ['OK', 'INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One entry of testssl.sh's flat JSON (`--jsonfile`). */
export interface Finding {
  id: string;
  severity: string;
  finding: string;
}

/**
 * Findings about revocation, which a dev PKI cannot satisfy: its certificates name no CRL
 * distribution point and no OCSP responder (RFC 5280 §4.2.1.13, RFC 6960), and nothing
 * staples OCSP answers. testssl.sh reports the first as HIGH ("Neither CRL nor OCSP URI
 * provided").
 */
export const REVOCATION_IDS: ReadonlySet<string> = new Set([
  'cert_revocation',
  'cert_crlDistributionPoints',
  'cert_ocspURL',
  'OCSP_stapling',
  'cert_mustStapleExtension',
]);

/** The rank of a severity (`OK` 0 … `CRITICAL` 5); -1 for testssl's own `WARN`/`DEBUG`/`FATAL`. */
export function severityRank(severity: string): number {
  return SEVERITIES.indexOf(severity as Severity);
}

/** The verdict on one scan. */
export interface Verdict {
  /** Findings MEDIUM or above that are not about revocation: the scan fails if there is one. */
  failures: Finding[];
  /** Revocation findings MEDIUM or above: expected for a dev PKI. */
  allowed: Finding[];
  /** testssl.sh's own problems (`WARN`, `FATAL`): checks it could not run. */
  warnings: Finding[];
  /** How many findings of each severity. */
  counts: Record<Severity, number>;
  /** LOW findings, listed in the summary. */
  low: Finding[];
}

/** Sorts findings into the verdict. */
export function judge(findings: readonly Finding[]): Verdict {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const verdict: Verdict = { failures: [], allowed: [], warnings: [], counts, low: [] };
  for (const f of findings) {
    const rank = severityRank(f.severity);
    if (rank < 0) {
      if (f.severity === 'WARN' || f.severity === 'FATAL') verdict.warnings.push(f);
      continue;
    }
    counts[f.severity as Severity] += 1;
    if (f.severity === 'LOW') verdict.low.push(f);
    if (rank < severityRank('MEDIUM')) continue;
    (REVOCATION_IDS.has(f.id) ? verdict.allowed : verdict.failures).push(f);
  }
  return verdict;
}

/** The summary as a Markdown table (what the README shows). */
export function formatSummary(title: string, v: Verdict): string {
  const list = (fs: readonly Finding[]): string =>
    fs.map((f) => `\`${f.id}\` (${f.finding.replaceAll('|', '\\|')})`).join(', ');
  const row = (severity: Severity): string => {
    const n = v.counts[severity];
    const high = v.failures.filter((f) => f.severity === severity);
    const ok = v.allowed.filter((f) => f.severity === severity);
    const notes = [
      high.length > 0 ? `**${list(high)}**` : '',
      ok.length > 0 ? `${list(ok)}: revocation, which a dev PKI cannot offer` : '',
      severity === 'LOW' && n > 0 ? list(v.low) : '',
    ].filter((x) => x !== '');
    return `| ${severity} | ${n} | ${notes.join('; ')} |`;
  };
  const lines = [
    `**${title}**`,
    '',
    '| severity | findings | which |',
    '| --- | ---: | --- |',
    ...(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const).map(row),
    `| OK / INFO | ${v.counts.OK} / ${v.counts.INFO} | |`,
  ];
  if (v.warnings.length > 0) lines.push('', `testssl.sh warnings: ${list(v.warnings)}`);
  lines.push('', v.failures.length === 0 ? 'verdict: pass' : 'verdict: FAIL');
  return `${lines.join('\n')}\n`;
}

/** Codes of {@link ScanError}: testssl.sh is not installed, or it produced no findings. */
export type ScanErrorCode = 'ERR_TESTSSL_MISSING' | 'ERR_TESTSSL_FAILED';

/** testssl.sh could not be run, or gave no JSON. */
export class ScanError extends NetlabError<ScanErrorCode> {}

/** The installed testssl.sh's version line, e.g. `3.0.8`. @throws {ScanError} `ERR_TESTSSL_MISSING`. */
export async function testsslVersion(): Promise<string> {
  const { code, output } = await run(['--version']);
  const version = /testssl(?:\.sh)?\s+(\d[\w.+-]*)/.exec(output)?.[1];
  if (code === 127 || version === undefined) {
    throw new ScanError(
      'ERR_TESTSSL_MISSING',
      "testssl.sh is needed: apt-get install -y testssl.sh (Debian's package, /usr/bin/testssl)",
    );
  }
  return version;
}

/** Options of {@link runTestssl}. */
export interface TestsslRun {
  /** `https://localhost:8443/` for an HTTPS server, `localhost:8000` for other TLS. */
  target: string;
  /** The IP to connect to (the name in `target` is still the SNI and the name checked). */
  ip: string;
  /** CA file that anchors the server's chain (`--add-ca`). */
  caFile: string;
  /** testssl.sh check flags (`-P`, `-R` …); empty: every check (takes minutes). */
  checks: readonly string[];
}

/**
 * Runs testssl.sh once and returns its findings (its flat JSON). Without DNS lookups
 * (`--nodns none`), without calling out to CRL or OCSP servers, in batch mode.
 *
 * @throws {ScanError} `ERR_TESTSSL_MISSING`, `ERR_TESTSSL_FAILED` (no JSON written).
 */
export async function runTestssl(opts: TestsslRun): Promise<{ findings: Finding[]; log: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'netlab-testssl-'));
  const json = join(dir, 'findings.json');
  try {
    const { code, output } = await run([
      '--quiet',
      '--color',
      '0',
      '--warnings',
      'off',
      '--nodns',
      'none',
      '--ip',
      opts.ip,
      '--add-ca',
      opts.caFile,
      '--jsonfile',
      json,
      ...opts.checks,
      opts.target,
    ]);
    if (code === 127) await testsslVersion(); // throws ERR_TESTSSL_MISSING
    let text: string;
    try {
      text = await readFile(json, 'utf8');
    } catch {
      throw new ScanError(
        'ERR_TESTSSL_FAILED',
        `testssl.sh exited ${code} without findings:\n${output}`,
      );
    }
    return { findings: JSON.parse(text) as Finding[], log: output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** testssl.sh with `args`; resolves with its exit code (127: not found) and its output. */
function run(args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('testssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', () => resolve({ code: 127, output }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** What {@link scanServer} starts and scans. */
export interface ScanTarget {
  /** The package name, for the summary's title. */
  name: string;
  /** The package's `src/main.ts`. */
  main: string;
  /** Extra server flags (the dev PKI is the default credentials). */
  args: readonly string[];
  /** What testssl.sh is pointed at: `https://localhost:PORT/` or `localhost:PORT`. */
  url(port: number): string;
  /** testssl.sh's check flags for a quick scan (e.g. `-P -R -h`); a full scan runs them all. */
  quick: readonly string[];
  /** What the quick checks are, for `--help` (e.g. `server cipher order, renegotiation`). */
  quickDescription: string;
}

/**
 * Starts `target` on a free port with the dev PKI, scans it with testssl.sh (given the dev CA),
 * stops it; returns the verdict and its Markdown summary.
 *
 * @throws {ScanError} `ERR_TESTSSL_MISSING` / `ERR_TESTSSL_FAILED`.
 */
export async function scanServer(
  target: ScanTarget,
  quick: boolean,
): Promise<{ verdict: Verdict; summary: string }> {
  const [version, dev] = await Promise.all([testsslVersion(), ensureDevCerts()]);
  // At log level info: startMain waits for the `listening on` line. A scanner leaves half-done
  // handshakes behind: a short graceful shutdown, then they are cut.
  const server = await startMain(target.main, [...target.args, '--shutdown-timeout', '1000']);
  try {
    const { findings } = await runTestssl({
      target: target.url(server.port),
      ip: '127.0.0.1',
      caFile: dev.ca,
      checks: quick ? [...target.quick] : [],
    });
    const verdict = judge(findings);
    const how = quick ? `quick scan (${target.quick.join(' ')})` : 'full scan';
    const title = `testssl.sh ${version} against ${target.name}, ${how}, ${new Date().toISOString().slice(0, 10)}`;
    return { verdict, summary: formatSummary(title, verdict) };
  } finally {
    await server.stop('SIGTERM', 10_000);
  }
}

/**
 * The whole `pnpm --filter PKG scan [-- --quick]` program of a TLS package (its `scan/main.ts`,
 * which passes `process.argv.slice(2)` as `argv`): reads the flags, runs {@link scanServer}, prints the Markdown summary the package README
 * shows, and sets exit code 1 when a finding of severity MEDIUM or above is left that is not
 * about revocation. A bad flag exits 2, testssl.sh missing exits 1 with how to install it.
 */
export function runScanMain(pkg: string, target: ScanTarget, argv: readonly string[]): void {
  const usage = `usage: pnpm --filter ${pkg} scan [-- --quick]

testssl.sh against ${pkg}, started on a free port with the dev PKI.
  --quick     only ${target.quickDescription}
  -h, --help  this text`;
  runMain('scan', async () => {
    const { values, positionals } = parseFlags(
      [...argv],
      { quick: { type: 'boolean' } },
      { usage },
    );
    rejectPositionals(positionals);
    const { verdict, summary } = await scanServer(target, values.quick === true);
    process.stdout.write(`${summary}\n`);
    if (verdict.failures.length > 0) process.exitCode = 1;
  });
}
