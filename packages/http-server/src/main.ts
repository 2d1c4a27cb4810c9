/**
 * The one entry point that reads argv and env: `main.ts [options]` runs the server (default
 * port 1337, the book's; `cli/server.ts`), `main.ts client URL …` the client (`cli/client.ts`).
 */
import { InvalidArgumentError, runMain } from 'common';
import { clientMain } from './cli/client.ts';
import { serverMain } from './cli/server.ts';

runMain(
  'http-server',
  async () => {
    const argv = process.argv.slice(2);
    if (argv[0] === 'client') await clientMain(argv.slice(1));
    else await serverMain(argv, process.env);
  },
  // Options that pass each flag's bounds but not together (headersTimeout > requestTimeout).
  { usageErrors: [InvalidArgumentError] },
);
