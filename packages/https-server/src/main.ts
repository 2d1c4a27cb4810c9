/**
 * The https-server program, the only file that reads argv and env:
 * - `main.ts [flags]`: the HTTPS + HTTP/2 server on port 8443 (`pnpm start`), see
 *   `cli/server.ts`;
 * - `main.ts client [URL] [flags]`: the book's `https.request` client (`pnpm client`), see
 *   `cli/client.ts`.
 *
 * common's `runMain` turns what they throw into one line and an exit code: a bad flag, a
 * certificate, key or CA that cannot be used (`CredentialsError`), or options fine alone but
 * not together (`InvalidArgumentError`), 2; a listen or connect error 1; `--help` 0.
 */
import { CredentialsError } from 'certs';
import { InvalidArgumentError, runMain } from 'common';
import { clientMain } from './cli/client.ts';
import { serverMain } from './cli/server.ts';

const [command, ...rest] = process.argv.slice(2);

runMain(
  'https-server',
  async () => {
    if (command === 'client') await clientMain(rest, process.env);
    else await serverMain(process.argv.slice(2), process.env);
  },
  { usageErrors: [CredentialsError, InvalidArgumentError] },
);
