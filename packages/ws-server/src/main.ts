/**
 * The only place that reads argv/env and listens. `main.ts` runs the server (default port
 * 12010, the book's); `main.ts client URL` runs the small wscat-like client.
 */
import { createInterface } from 'node:readline';
import {
  bytesFlag,
  CliError,
  createLogger,
  intFlag,
  parseFlags,
  parseServerArgs,
  runMain,
  serve,
} from 'common';
import { connect } from './client.ts';
import { WebSocket } from './websocket.ts';
import { CloseCode, DEFAULT_PORT } from './constants.ts';
import { createWsServer } from './server.ts';

const SERVER_USAGE = `usage: ws-server [options]

WebSocket (RFC 6455) server, book §7.4: GET / (page), ws /echo, /chat, /updates, /inspect.

Options:
  --heartbeat MS           ping interval; a peer that missed a pong is terminated; 0 = off (default 30000)
  --max-payload SIZE       largest message, e.g. 65536, 64k, 16m (default 16m); over it → close 1009
  --close-timeout MS       wait for the peer's close frame (default 5000)
  --handshake-timeout MS   time to send the upgrade request (default 10000)
  --allowed-origin ORIGIN  accept browsers only from this origin (repeatable; default: any)`;

const CLIENT_USAGE = `usage: ws-server client URL [--binary] [--protocol NAME]... [--max-payload SIZE]

Reads lines from stdin and sends each as a message; prints every message received.
Ctrl-C (or end of input) sends close 1000 and exits after the closing handshake.`;

async function serverMain(argv: string[]): Promise<void> {
  const args = parseServerArgs({
    argv,
    env: process.env,
    defaultPort: DEFAULT_PORT,
    usage: SERVER_USAGE,
    options: {
      heartbeat: { type: 'string' },
      'max-payload': { type: 'string' },
      'close-timeout': { type: 'string' },
      'handshake-timeout': { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
    },
  });
  const v = args.values;
  const heartbeatInterval = intFlag('--heartbeat', v.heartbeat, {
    min: 0,
    max: 3_600_000,
    default: 30_000,
  });
  const maxPayload = bytesFlag('--max-payload', v['max-payload'], {
    min: 1,
    max: 1024 ** 3,
    default: 16 * 1024 * 1024,
  });
  const closeTimeout = intFlag('--close-timeout', v['close-timeout'], {
    min: 1,
    max: 600_000,
    default: 5_000,
  });
  const handshakeTimeout = intFlag('--handshake-timeout', v['handshake-timeout'], {
    min: 1,
    max: 600_000,
    default: 10_000,
  });
  const origins = v['allowed-origin'];
  const logger = createLogger({ name: 'ws-server', level: args.server.logLevel });
  const server = createWsServer({
    logger,
    heartbeatInterval,
    maxPayload,
    closeTimeout,
    handshakeTimeout,
    ...(origins === undefined ? {} : { allowedOrigins: origins }),
  });
  await serve(server.httpServer, {
    name: 'ws-server',
    logger,
    scheme: 'ws',
    drain: () => server.closeAll(CloseCode.GoingAway),
    ...args.server,
  });
}

async function clientMain(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    argv,
    {
      binary: { type: 'boolean' },
      protocol: { type: 'string', multiple: true },
      'max-payload': { type: 'string' },
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
  const maxPayload = bytesFlag('--max-payload', values['max-payload'], {
    min: 1,
    max: 1024 ** 3,
    default: 16 * 1024 * 1024,
  });
  const ws = await connect(url, { protocols: values.protocol ?? [], maxPayload });
  process.stderr.write(
    `connected to ${url}${ws.protocol === '' ? '' : ` (subprotocol ${ws.protocol})`}\n`,
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
