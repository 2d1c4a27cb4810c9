/**
 * The tcp-server CLI, the only place that reads argv/env and listens:
 * - `main.ts [flags]`: the server (`pnpm start`);
 * - `main.ts client [flags]`: the client, stdin → messages, replies → stdout (`pnpm client`);
 * - `main.ts sticky`: the sticky-packet (粘包) experiment (`pnpm sticky`).
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import {
  bytesFlag,
  choiceFlag,
  CliError,
  createLogger,
  intFlag,
  listen,
  parseFlags,
  parseServerArgs,
  runMain,
  serve,
} from 'common';
import { TcpClient } from './client.ts';
import {
  DEFAULT_FRAME_SIZE,
  DEFAULT_IDLE_TIMEOUT,
  DEFAULT_MAX_MESSAGE,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_PORT,
  MAX_IDLE_TIMEOUT,
  MAX_SIZE_LIMIT,
  STICKY_ALPHABET,
  STICKY_WRITES,
} from './constants.ts';
import {
  createDecoder,
  createEncoder,
  type CodecFraming,
  type CodecOptions,
} from './framing-stream.ts';
import { stripFixedPadding } from './protocol/fixed.ts';
import { createTcpServer, FRAMINGS, type Framing } from './server.ts';

const NAME = 'tcp-server';

const CODEC_FLAGS = {
  framing: { type: 'string' },
  'max-message': { type: 'string' },
  'max-payload': { type: 'string' },
  'frame-size': { type: 'string' },
  path: { type: 'string' },
} as const;

const SERVER_USAGE = `usage: tcp-server [--framing echo|line|length|fixed] [options]

The §7.1 TCP server: echo (pipe), or the three sticky-packet (粘包) fixes.
  --framing MODE           echo (default): greeting, then bytes back unchanged
                           line: \\n-terminated messages; length: 4-byte BE length + payload;
                           fixed: records of --frame-size bytes
  --max-message SIZE       line: longest message, \\n not counted (default 64k)
  --max-payload SIZE       length: largest payload (default 16m)
  --frame-size SIZE        fixed: record size (default 128)
  --idle-timeout MS        close connections idle this long, 0 = never (default 60000)
  --no-delay               socket.setNoDelay(true): no Nagle batching
  --max-connections N      server.maxConnections (default unlimited)
  --path PATH              listen on this Unix domain socket instead of host:port`;

const CLIENT_USAGE = `usage: tcp-server client [--framing echo|line|length|fixed] [--host H] [--port N | --path P]

Sends stdin to the server (echo: raw bytes; other framings: one message per line) and prints
the replies (decoded, one per line). Like nc, with framing.
  --max-message SIZE, --max-payload SIZE, --frame-size SIZE   client-side limits (as the server's)`;

/** Reads the codec limits shared by the server and client CLIs; bad values exit 2 naming the flag. */
function codecFlags(
  values: Record<string, string | boolean | undefined>,
): CodecOptions & { framing: Framing } {
  return {
    framing: choiceFlag('--framing', values.framing, FRAMINGS, 'echo'),
    maxMessage: bytesFlag('--max-message', values['max-message'], {
      min: 1,
      max: MAX_SIZE_LIMIT,
      default: DEFAULT_MAX_MESSAGE,
    }),
    maxPayload: bytesFlag('--max-payload', values['max-payload'], {
      min: 0,
      max: MAX_SIZE_LIMIT,
      default: DEFAULT_MAX_PAYLOAD,
    }),
    frameSize: bytesFlag('--frame-size', values['frame-size'], {
      min: 1,
      max: MAX_SIZE_LIMIT,
      default: DEFAULT_FRAME_SIZE,
    }),
  };
}

async function serverMain(argv: readonly string[]): Promise<void> {
  const args = parseServerArgs({
    argv,
    env: process.env,
    defaultPort: DEFAULT_PORT,
    usage: SERVER_USAGE,
    options: {
      ...CODEC_FLAGS,
      'idle-timeout': { type: 'string' },
      'no-delay': { type: 'boolean' },
      'max-connections': { type: 'string' },
    },
  });
  const v = args.values;
  const codec = codecFlags(v);
  const idleTimeout = intFlag('--idle-timeout', v['idle-timeout'], {
    min: 0,
    max: MAX_IDLE_TIMEOUT,
    default: DEFAULT_IDLE_TIMEOUT,
  });
  const maxConnections =
    v['max-connections'] === undefined
      ? undefined
      : intFlag('--max-connections', v['max-connections'], { min: 1, max: 1_000_000 });
  const path = v.path;
  if (path === '') throw new CliError('ERR_INVALID_ARG_VALUE', '--path must not be empty');
  const logger = createLogger({ name: NAME, level: args.server.logLevel });
  const server = createTcpServer({
    ...codec,
    idleTimeout,
    noDelay: v['no-delay'] === true,
    maxConnections,
    logger,
  });
  await serve(server, {
    name: NAME,
    logger,
    ...args.server,
    ...(path === undefined ? {} : { path }),
    drain: () => {
      const n = server.endConnections();
      logger.info({ connections: n }, 'half-closing open connections after their last echo');
    },
  });
}

async function clientMain(argv: readonly string[]): Promise<void> {
  const { values } = parseFlags(
    argv,
    {
      ...CODEC_FLAGS,
      host: { type: 'string' },
      port: { type: 'string' },
    },
    { usage: CLIENT_USAGE },
  );
  const codec = codecFlags(values);
  const port = intFlag('--port', values.port, { min: 1, max: 65_535, default: DEFAULT_PORT });
  const target = values.path === undefined ? `${values.host ?? '127.0.0.1'}:${port}` : values.path;
  let client: TcpClient;
  try {
    client = await TcpClient.connect({
      ...codec,
      host: values.host ?? '127.0.0.1',
      port,
      ...(values.path === undefined ? {} : { path: values.path }),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`${NAME} client: cannot connect to ${target}: ${e.code ?? e.message}\n`);
    process.exitCode = 1;
    return;
  }
  const sending = sendStdin(client).catch((err: NodeJS.ErrnoException) => {
    process.stderr.write(`${NAME} client: ${err.code ?? 'error'}: ${err.message}\n`);
    process.exitCode = 1;
    client.close();
  });
  try {
    for await (const reply of client) {
      const out =
        codec.framing === 'echo'
          ? reply
          : Buffer.concat([
              codec.framing === 'fixed' ? stripFixedPadding(reply) : reply,
              Buffer.from('\n'),
            ]);
      if (!process.stdout.write(out)) await once(process.stdout, 'drain');
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`${NAME} client: ${e.code ?? 'error'}: ${e.message}\n`);
    process.exitCode = 1;
  }
  // The server is done: stop reading stdin (it may be a terminal) so the process can exit.
  process.stdin.destroy();
  await sending;
}

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

type StickyMode = 'none' | CodecFraming;

/**
 * The seeds' experiment: 18 `socket.write`s of the 64-character alphabet in the `connect`
 * callback; the server counts its `data` events, and (with a framing) decodes messages.
 */
async function stickyRun(mode: StickyMode): Promise<{ dataEvents: number[]; messages: Buffer[] }> {
  const codec: CodecOptions = { frameSize: STICKY_ALPHABET.length };
  const decoder = mode === 'none' ? undefined : createDecoder(mode, codec);
  const dataEvents: number[] = [];
  const messages: Buffer[] = [];
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const server = createServer((socket: Socket) => {
    // A decode error (none expected) only makes the run "NOT intact": never an uncaught throw.
    const decoding = (step: () => void): void => {
      try {
        step();
      } catch {
        messages.length = 0;
      }
    };
    socket.on('data', (chunk: Buffer) => {
      dataEvents.push(chunk.length);
      if (decoder !== undefined)
        decoding(() => messages.push(...[...decoder.push(chunk)].map((m) => Buffer.from(m))));
    });
    socket.on('end', () => {
      if (decoder !== undefined) decoding(() => decoder.end());
      socket.end();
      ended();
    });
  });
  await listen(server, { host: '127.0.0.1', port: 0 });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const encode = mode === 'none' ? (m: Buffer) => [m] : createEncoder(mode, codec);
  const client = connect(port, '127.0.0.1', () => {
    for (let i = 0; i < STICKY_WRITES; i += 1)
      client.write(Buffer.concat(encode(Buffer.from(STICKY_ALPHABET))));
    client.end();
  });
  client.resume();
  await done;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { dataEvents, messages };
}

async function stickyMain(argv: readonly string[]): Promise<void> {
  parseFlags(argv, {});
  const out: string[] = [
    `${STICKY_WRITES} × socket.write('${STICKY_ALPHABET.slice(0, 8)}…' (${STICKY_ALPHABET.length} bytes)) in the 'connect' callback, over loopback:`,
    '',
  ];
  for (const mode of ['none', 'line', 'length', 'fixed'] as const) {
    const { dataEvents, messages } = await stickyRun(mode);
    const events = `${dataEvents.length} 'data' event${dataEvents.length === 1 ? '' : 's'} [${dataEvents.join(', ')} bytes]`;
    const label = (
      mode === 'none'
        ? 'no framing'
        : mode === 'fixed'
          ? `fixed (${STICKY_ALPHABET.length} B)`
          : mode
    ).padEnd(16);
    if (mode === 'none') {
      const intact =
        dataEvents.length === STICKY_WRITES &&
        dataEvents.every((n) => n === STICKY_ALPHABET.length);
      out.push(
        `${label} ${events}: ${intact ? 'one per write this time (luck, not a guarantee)' : 'writes merged/split, message boundaries lost (粘包)'}`,
      );
    } else {
      const intact =
        messages.length === STICKY_WRITES &&
        messages.every((m) => m.toString() === STICKY_ALPHABET);
      out.push(
        `${label} ${events} → ${messages.length} messages, ${intact ? 'all intact' : 'NOT intact'}`,
      );
      if (!intact) process.exitCode = 1;
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

runMain(NAME, async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === 'client') return clientMain(argv.slice(1));
  if (argv[0] === 'sticky') return stickyMain(argv.slice(1));
  return serverMain(argv);
});
