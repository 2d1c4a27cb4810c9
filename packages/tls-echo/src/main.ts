/**
 * The tls-echo program, the only file that reads argv and env:
 * - `main.ts [flags]`: the mutual-TLS echo server on port 8000 (`pnpm start`), see
 *   `cli/server.ts`;
 * - `main.ts client [flags]`: the book's `tls.connect(8000, options)` client, stdin → server →
 *   stdout (`pnpm client`), see `cli/client.ts`.
 *
 * common's `runMain` turns what they throw into one line and an exit code: a bad flag, or a
 * certificate, key or CA that cannot be used (`CredentialsError`), 2; a listen or connect
 * error 1; `--help` 0.
 */
import { CredentialsError } from 'certs';
import { runMain } from 'common';
import { clientMain } from './cli/client.ts';
import { serverMain } from './cli/server.ts';

const NAME = 'tls-echo';
const [command, ...rest] = process.argv.slice(2);

runMain(
  NAME,
  () => (command === 'client' ? clientMain(rest) : serverMain(process.argv.slice(2), process.env)),
  { usageErrors: [CredentialsError] },
);
