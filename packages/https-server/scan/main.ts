/**
 * `pnpm --filter https-server scan [-- TARGET… [--quick]]`: a testssl.sh scan of netlab's TLS
 * servers (see scan.ts). Prints a Markdown summary per server (what the README shows) and exits
 * 1 when a finding of severity MEDIUM or above is left that is not about revocation.
 */
import { CliError, parseFlags, runMain } from 'common';
import { scan, TARGETS, type TargetName } from './scan.ts';

const USAGE = `usage: pnpm --filter https-server scan [-- [https-server] [tls-echo] [--quick]]

testssl.sh against each server (default: both), started on a free port with the dev PKI.
  --quick     only server cipher order, renegotiation, headers (https-server), LUCKY13 (tls-echo)
  -h, --help  this text`;

runMain('scan', async () => {
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    { quick: { type: 'boolean' } },
    { usage: USAGE },
  );
  for (const p of positionals) {
    if (!(p in TARGETS))
      throw new CliError('ERR_INVALID_ARG_VALUE', `unknown server '${p}' (https-server, tls-echo)`);
  }
  const names = (positionals.length > 0 ? positionals : Object.keys(TARGETS)) as TargetName[];
  let failed = false;
  for (const name of names) {
    process.stderr.write(`scan: ${name}…\n`);
    const { verdict, summary } = await scan(name, values.quick === true);
    process.stdout.write(`${summary}\n`);
    failed ||= verdict.failures.length > 0;
  }
  if (failed) process.exitCode = 1;
});
