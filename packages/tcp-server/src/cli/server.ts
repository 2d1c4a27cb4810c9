/** `tcp-server [flags]`: the §7.1 server as a program (`pnpm start`). */
import {
  choiceFlag,
  CliError,
  createLogger,
  limitFlags,
  limitsHelp,
  parseServerArgs,
  readLimitFlags,
  serve,
} from 'common';
import { DEFAULT_PORT } from '../constants.ts';
import { SERVER_LIMITS } from '../limits.ts';
import { createTcpServer, FRAMINGS } from '../server.ts';

const NAME = 'tcp-server';

const USAGE = `usage: tcp-server [--framing echo|line|length|fixed] [options]

The §7.1 TCP server: echo (pipe), or the three sticky-packet (粘包) fixes.
  --framing MODE           echo (default): greeting, then bytes back unchanged
                           line: \\n-terminated messages; length: 4-byte BE length + payload;
                           fixed: records of --frame-size bytes
  --no-delay               socket.setNoDelay(true): no Nagle batching
  --path PATH              listen on this Unix domain socket instead of host:port
Limits (sizes take 64k, 16m):
${limitsHelp(SERVER_LIMITS)}`;

/**
 * Parses the server's flags (limits from `SERVER_LIMITS`), then listens with common's
 * `serve()` until SIGINT/SIGTERM. Bad flags throw a `CliError` naming the flag (exit 2).
 */
export async function serverMain(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const args = parseServerArgs({
    argv,
    env,
    defaultPort: DEFAULT_PORT,
    usage: USAGE,
    options: {
      framing: { type: 'string' },
      'no-delay': { type: 'boolean' },
      path: { type: 'string' },
      ...limitFlags(SERVER_LIMITS),
    },
  });
  const v = args.values;
  const framing = choiceFlag('--framing', v.framing, FRAMINGS, 'echo');
  const limits = readLimitFlags(SERVER_LIMITS, v);
  const path = v.path;
  if (path === '') throw new CliError('ERR_INVALID_ARG_VALUE', '--path must not be empty');
  const logger = createLogger({ name: NAME, level: args.server.logLevel });
  await serve(createTcpServer({ framing, ...limits, noDelay: v['no-delay'] === true, logger }), {
    name: NAME,
    logger,
    ...args.server,
    path,
  });
}
