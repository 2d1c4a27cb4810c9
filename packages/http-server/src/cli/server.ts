/**
 * `http-server [options]`: the server's flags (common's server flags, one per limit in
 * `LIMITS`, and `--proxy-allow`), then common's `serve`.
 */
import {
  CliError,
  createLogger,
  limitFlags,
  limitsHelp,
  parseServerArgs,
  readLimitFlags,
  serve,
} from 'common';
import { DEFAULT_PORT } from '../constants.ts';
import { LIMITS } from '../limits.ts';
import { describeLimits } from '../options.ts';
import { parseAllowList } from '../protocol/connect-target.ts';
import { createHttpServer } from '../server.ts';

const USAGE = `usage: http-server [options]

HTTP server of §7.3 (node:http) with limits and graceful shutdown.

Options:
${limitsHelp(LIMITS, 37)}
  --proxy-allow HOST:PORT[,…]          CONNECT targets to tunnel to (default: CONNECT refused)`;

/**
 * Runs the server until SIGINT/SIGTERM.
 *
 * @throws {CliError} for a bad flag (exit 2); the listen error (`EADDRINUSE` …, exit 1).
 * @throws {InvalidArgumentError} for flags that are fine one by one but not together
 *   (`--headers-timeout` over `--request-timeout`); `main.ts` maps it to exit 2 too.
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
    options: { ...limitFlags(LIMITS), 'proxy-allow': { type: 'string' } },
  });
  const limits = readLimitFlags(LIMITS, args.values);
  const allowFlag = args.values['proxy-allow'];
  let proxyAllow: string[];
  try {
    proxyAllow = parseAllowList(typeof allowFlag === 'string' ? allowFlag : '');
  } catch (err) {
    throw new CliError('ERR_INVALID_ARG_VALUE', `--proxy-allow: ${(err as Error).message}`);
  }
  const logger = createLogger({ name: 'http-server', level: args.server.logLevel });
  const app = createHttpServer({ logger, ...limits, proxyAllow });
  logger.info({ limits: describeLimits(app.options) }, 'limits (bytes, ms)');
  await serve(app, { name: 'http-server', logger, ...args.server });
}
