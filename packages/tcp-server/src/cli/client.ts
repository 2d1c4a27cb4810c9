/**
 * `tcp-server client [flags]`: stdin → messages, replies → stdout (`pnpm client`), like `nc`
 * with framing.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  choiceFlag,
  intFlag,
  limitFlags,
  limitsHelp,
  parseFlags,
  readLimitFlags,
  rejectPositionals,
} from 'common';
import { TcpClient } from '../client.ts';
import { DEFAULT_PORT } from '../constants.ts';
import { stripFixedPadding } from '../protocol/fixed.ts';
import { CLIENT_LIMITS } from '../limits.ts';
import { FRAMINGS } from '../server.ts';

const NAME = 'tcp-server client';

const USAGE = `usage: tcp-server client [--framing echo|line|length|fixed] [--host H] [--port N | --path P]

Sends stdin to the server (echo: raw bytes; other framings: one message per line) and prints
the replies (decoded, one per line). Like nc, with framing.
  --framing MODE           as the server's (default echo)
  --host HOST              default 127.0.0.1
  --port N                 default ${DEFAULT_PORT}
  --path PATH              connect to this Unix domain socket instead
Limits (sizes take 64k, 16m; the codec limits as the server's):
${limitsHelp(CLIENT_LIMITS)}`;

/**
 * Runs the client until the server ends the connection. A bad flag throws a `CliError`
 * (exit 2); a connect error (`ECONNREFUSED`, `ETIMEDOUT` …) is thrown for `runMain` to report
 * (exit 1); an error after connecting is printed as one line and sets exit code 1.
 */
export async function clientMain(argv: readonly string[]): Promise<void> {
  const { values: v, positionals } = parseFlags(
    argv,
    {
      framing: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      path: { type: 'string' },
      ...limitFlags(CLIENT_LIMITS),
    },
    { usage: USAGE },
  );
  rejectPositionals(positionals);
  const framing = choiceFlag('--framing', v.framing, FRAMINGS, 'echo');
  const limits = readLimitFlags(CLIENT_LIMITS, v);
  const port = intFlag('--port', v.port, { min: 1, max: 65_535, default: DEFAULT_PORT });
  const client = await TcpClient.connect({
    ...limits,
    framing,
    host: v.host ?? '127.0.0.1',
    port,
    path: v.path,
  });
  const sending = sendStdin(client).catch((err: NodeJS.ErrnoException) => {
    process.stderr.write(`${NAME}: ${err.code ?? 'error'}: ${err.message}\n`);
    process.exitCode = 1;
    client.close();
  });
  try {
    for await (const reply of client) {
      const out =
        framing === 'echo'
          ? reply
          : Buffer.concat([framing === 'fixed' ? stripFixedPadding(reply) : reply, NEWLINE]);
      if (!process.stdout.write(out)) await once(process.stdout, 'drain');
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`${NAME}: ${e.code ?? 'error'}: ${e.message}\n`);
    process.exitCode = 1;
  }
  // The server is done: stop reading stdin (it may be a terminal) so the process can exit.
  process.stdin.destroy();
  await sending;
}

const NEWLINE = Buffer.from('\n');

/** stdin → server: raw bytes in `echo` mode, else one message per line; then half-close. */
async function sendStdin(client: TcpClient): Promise<void> {
  if (client.framing === 'echo') {
    process.stdin.pipe(client.socket);
    return;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (client.socket.writableEnded || client.socket.destroyed) break;
      await client.send(line);
    }
  } finally {
    lines.close();
  }
  if (!client.socket.destroyed) client.end();
}
