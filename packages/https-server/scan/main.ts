/**
 * `pnpm --filter https-server scan [-- --quick]`: a testssl.sh scan of https-server (see
 * scan.ts). Prints the Markdown summary the README shows and exits 1 when a finding of severity
 * MEDIUM or above is left that is not about revocation.
 */
import { parseFlags, rejectPositionals, runMain } from 'common';
import { scanServer } from 'certs/testssl';
import { TARGET } from './scan.ts';

const USAGE = `usage: pnpm --filter https-server scan [-- --quick]

testssl.sh against https-server, started on a free port with the dev PKI.
  --quick     only server cipher order, renegotiation and HTTP headers
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
