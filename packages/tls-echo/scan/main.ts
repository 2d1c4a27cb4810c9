/**
 * `pnpm --filter tls-echo scan [-- --quick]`: a testssl.sh scan of tls-echo (see
 * scan.ts). Prints the Markdown summary the README shows and exits 1 when a finding of severity
 * MEDIUM or above is left that is not about revocation.
 */
import { parseFlags, rejectPositionals, runMain } from 'common';
import { scanServer } from 'certs/testssl';
import { TARGET } from './scan.ts';

const USAGE = `usage: pnpm --filter tls-echo scan [-- --quick]

testssl.sh against tls-echo, started on a free port with the dev PKI.
  --quick     only server cipher order, renegotiation and LUCKY13
  -h, --help  this text`;

runMain('scan', async () => {
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    { quick: { type: 'boolean' } },
    { usage: USAGE },
  );
  rejectPositionals(positionals);
  const { verdict, summary } = await scanServer(TARGET, values.quick === true);
  process.stdout.write(`${summary}\n`);
  if (verdict.failures.length > 0) process.exitCode = 1;
});
