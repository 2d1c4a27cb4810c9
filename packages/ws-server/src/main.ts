/**
 * The only place that reads argv/env and listens. `main.ts` runs the server (default port
 * 12010, the book's); `main.ts client URL` runs the small wscat-like client.
 */
import { createInterface } from 'node:readline';
import {
  CliError,
  createLogger,
  isClusterPrimary,
  isClusterWorker,
  isRedisUrl,
  limitFlags,
  limitsHelp,
  parseFlags,
  parseServerArgs,
  readLimitFlags,
  runMain,
  serve,
  type Logger,
} from 'common';
import type { ChatBus } from './chat/bus.ts';
import { ClusterChatBus, relayChatBetweenWorkers } from './chat/cluster-bus.ts';
import { RedisChatBus } from './chat/redis-bus.ts';
import { connect } from './client.ts';
import { CloseCode, DEFAULT_PORT } from './constants.ts';
import { CHAT_BUS_LIMITS, CLIENT_LIMITS, LIMITS } from './limits.ts';
import { createWsServer } from './server.ts';
import { WebSocket } from './websocket.ts';

const SERVER_USAGE = `usage: ws-server [options]

WebSocket (RFC 6455) server, book §7.4: GET / (page), ws /echo, /chat, /updates, /inspect.

Options:
${limitsHelp(LIMITS)}
${limitsHelp(CHAT_BUS_LIMITS)}
  --redis URL              carry /chat between instances through Redis pub/sub, e.g.
                           redis://127.0.0.1:6379 (env REDIS_URL; default: this process, or
                           the cluster primary with --workers)
  --allowed-origin ORIGIN  accept browsers only from this origin (repeatable; default: any)
  --deflate                accept permessage-deflate (RFC 7692; default off)
  --deflate-context-takeover
                           with --deflate: keep a compression window per connection both
                           ways (better ratio, ~300 KiB per connection; default: none)`;

const CLIENT_USAGE = `usage: ws-server client URL [--binary] [--protocol NAME]... [options]

Reads lines from stdin and sends each as a message; prints every message received.
Ctrl-C (or end of input) sends close 1000 and exits after the closing handshake.

Options:
  --binary                 send each line as a binary message
  --protocol NAME          offer this subprotocol (repeatable)
  --deflate                offer permessage-deflate (RFC 7692)
${limitsHelp(CLIENT_LIMITS)}`;

async function serverMain(argv: string[]): Promise<void> {
  const args = parseServerArgs({
    argv,
    env: process.env,
    defaultPort: DEFAULT_PORT,
    usage: SERVER_USAGE,
    options: {
      ...limitFlags(LIMITS),
      ...limitFlags(CHAT_BUS_LIMITS),
      redis: { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
      deflate: { type: 'boolean' },
      'deflate-context-takeover': { type: 'boolean' },
    },
  });
  const limits = readLimitFlags(LIMITS, args.values);
  const origins = args.values['allowed-origin'];
  const takeover = args.values['deflate-context-takeover'] === true;
  if (takeover && args.values.deflate !== true)
    throw new CliError('ERR_INVALID_ARG_VALUE', '--deflate-context-takeover needs --deflate');
  const redis = args.values.redis ?? (process.env.REDIS_URL || undefined);
  if (redis !== undefined && !isRedisUrl(redis))
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `${args.values.redis === undefined ? 'REDIS_URL' : '--redis'} must be a redis:// or rediss:// URL (got '${redis}')`,
    );
  const busLimits = readLimitFlags(CHAT_BUS_LIMITS, args.values);
  const logger = createLogger({ name: 'ws-server', level: args.server.logLevel });
  const chatBus = chooseChatBus(redis, isClusterPrimary(args.server.workers), busLimits, logger);
  const app = createWsServer({
    logger,
    ...limits,
    ...(chatBus === undefined ? {} : { chatBus }),
    ...(origins === undefined ? {} : { allowedOrigins: origins }),
    perMessageDeflate:
      args.values.deflate === true &&
      (takeover ? { serverNoContextTakeover: false, clientNoContextTakeover: false } : true),
  });
  await serve(app, { name: 'ws-server', logger, ...args.server });
}

/**
 * The `/chat` bus of this process: Redis when asked for (in every worker, none in a cluster
 * primary, which serves nothing); without Redis, in a cluster primary the relay between its
 * workers (installed here: the primary runs this file up to `serve()`), in a worker the IPC
 * bus to it, and otherwise `undefined` (the server's default, in-process).
 */
function chooseChatBus(
  redis: string | undefined,
  primary: boolean,
  limits: { chatPublishTimeout?: number | undefined; chatMaxPending?: number | undefined },
  logger: Logger,
): ChatBus | undefined {
  if (redis !== undefined)
    return primary ? undefined : new RedisChatBus({ url: redis, logger, ...limits });
  if (primary) {
    relayChatBetweenWorkers({ logger, ...limits });
    return undefined;
  }
  return isClusterWorker() ? new ClusterChatBus(limits) : undefined;
}

async function clientMain(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    argv,
    {
      binary: { type: 'boolean' },
      protocol: { type: 'string', multiple: true },
      deflate: { type: 'boolean' },
      ...limitFlags(CLIENT_LIMITS),
    },
    { usage: CLIENT_USAGE },
  );
  const url = positionals[0];
  if (url === undefined || positionals.length > 1)
    throw new CliError('ERR_MISSING_ARGS', 'client needs exactly one URL (see --help)');
  if (!/^wss?:\/\//.test(url))
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `URL must start with ws:// or wss:// (got '${url}')`,
    );
  const limits = readLimitFlags(CLIENT_LIMITS, values);
  const protocols = values.protocol ?? [];
  const ws = await connect(url, {
    protocols,
    ...limits,
    perMessageDeflate: values.deflate === true,
  });
  process.stderr.write(
    `connected to ${url}${ws.protocol === '' ? '' : ` (subprotocol ${ws.protocol})`}${ws.extensions === '' ? '' : ` (${ws.extensions})`}\n`,
  );
  const closed = new Promise<void>((resolve) => {
    ws.on('close', (code: number, reason: string) => {
      process.stderr.write(`closed ${code}${reason === '' ? '' : ` ${reason}`}\n`);
      resolve();
    });
  });
  ws.on('error', (err: Error & { code?: string }) =>
    process.stderr.write(`error ${err.code ?? ''}: ${err.message}\n`),
  );
  ws.on('message', (data: Buffer | string, isBinary: boolean) => {
    process.stdout.write(
      isBinary
        ? `<binary ${(data as Buffer).length} bytes: ${(data as Buffer).toString('hex')}>\n`
        : `${String(data)}\n`,
    );
  });
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    if (ws.readyState === WebSocket.OPEN)
      ws.send(values.binary === true ? Buffer.from(line) : line);
  });
  const bye = (): void => ws.close(CloseCode.Normal, 'bye');
  lines.on('close', bye);
  process.once('SIGINT', bye);
  await closed;
  lines.close();
  process.exit(0);
}

runMain('ws-server', async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === 'client') return clientMain(argv.slice(1));
  return serverMain(argv);
});
