/**
 * The tcp-server program, the only file that reads argv and env:
 * - `main.ts [flags]`: the server (`pnpm start`), see `cli/server.ts`;
 * - `main.ts client [flags]`: the client, stdin → messages, replies → stdout (`pnpm client`),
 *   see `cli/client.ts`;
 * - `main.ts sticky`: the sticky-packet (粘包) experiment (`pnpm sticky`), see `cli/sticky.ts`.
 *
 * common's `runMain` turns what they throw into one line and an exit code: a bad flag 2, a
 * listen or connect error 1, `--help` 0.
 */
import { runMain } from 'common';
import { clientMain } from './cli/client.ts';
import { serverMain } from './cli/server.ts';
import { stickyMain } from './cli/sticky.ts';

const NAME = 'tcp-server';
const [command, ...rest] = process.argv.slice(2);

if (command === 'client') runMain(`${NAME} client`, () => clientMain(rest));
else if (command === 'sticky') runMain(`${NAME} sticky`, () => stickyMain(rest));
else runMain(NAME, () => serverMain(process.argv.slice(2), process.env));
