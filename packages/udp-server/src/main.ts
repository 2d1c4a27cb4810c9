/**
 * The udp-server CLI, the only place that reads argv/env and binds:
 * - `main.ts [flags]`: the server (`pnpm start`); SIGUSR2 logs its counters (with `--workers N`,
 *   the primary passes it to every worker, which logs its own);
 * - `main.ts client [flags] [message]`: the client (`pnpm --filter udp-server client -- …`).
 */
import cluster from 'node:cluster';
import { isIPv4, isIPv6 } from 'node:net';
import {
  choiceFlag,
  CliError,
  createLogger,
  intFlag,
  isClusterPrimary,
  limitFlags,
  limitsHelp,
  parseFlags,
  parseServerArgs,
  readLimitFlags,
  runMain,
  serve,
} from 'common';
import { measure, sendOnce } from './client.ts';
import { DEFAULT_PORT, MAX_UDP_PAYLOAD_IPV4 } from './constants.ts';
import { NoReplyError } from './errors.ts';
import { CLIENT_LIMITS, LIMITS } from './limits.ts';
import { formatReply, formatResult, ProgressLine } from './report.ts';
import { createUdpServer, MODES, SOCKET_TYPES } from './server.ts';

const NAME = 'udp-server';

const SERVER_USAGE = `usage: udp-server [--mode echo|log] [--type udp4|udp6] [--rate N [--burst N]] [options]

The §7.2 UDP server: one dgram socket for every peer.
  --mode MODE              echo (default): every datagram back to its sender, unchanged
                           log: the book's "server got: … from addr:port", no reply
  --type TYPE              udp4 (default) or udp6; udp6 binds :: unless --host is given,
                           serving IPv4 peers too where the OS allows (see --ipv6-only)
  --ipv6-only              udp6: IPv6 peers only
${limitsHelp(LIMITS)}
Signals: SIGUSR2 logs the counters (--workers: each worker's); SIGINT/SIGTERM shut down
gracefully. --rate needs one process (its buckets are per process).`;

const CLIENT_USAGE = `usage: udp-server client [--host H] [--port N] [--timeout MS] [--retries N] MESSAGE
       udp-server client [--host H] [--port N] --count N [--size SIZE] [--window N] [--json]

One-shot: sends MESSAGE, prints the echo on stdout and its round-trip time on stderr; sends
again after --timeout, up to --retries times; exits 1 when no echo comes.
Measurement (--count): numbered probes, at most --window in flight; prints sent, received,
lost, duplicated, reordered, late, invalid, RTT p50/p90/p99/max and jitter (--json: one
JSON object, the fields are described in the README).
  --host HOST              server address or name (default 127.0.0.1)
  --port N                 server port (default ${DEFAULT_PORT})
  --json                   print the result as JSON
${limitsHelp(CLIENT_LIMITS)}`;

async function serverMain(argv: readonly string[]): Promise<void> {
  const args = parseServerArgs({
    argv,
    env: process.env,
    defaultPort: DEFAULT_PORT,
    usage: SERVER_USAGE,
    options: {
      ...limitFlags(LIMITS),
      mode: { type: 'string' },
      type: { type: 'string' },
      'ipv6-only': { type: 'boolean' },
    },
  });
  const v = args.values as Record<string, string | boolean | undefined>;
  const mode = choiceFlag('--mode', v.mode, MODES, 'echo');
  const type = choiceFlag('--type', v.type, SOCKET_TYPES, 'udp4');
  const limits = readLimitFlags(LIMITS, v);
  if (limits.burst !== undefined && limits.rate === undefined)
    throw new CliError('ERR_INVALID_ARG_VALUE', '--burst needs --rate');
  // The buckets are per process, and the kernel hands a source's datagrams to whichever worker
  // reads first: N workers would let a source through up to N times the rate.
  if (limits.rate !== undefined && args.server.workers > 1)
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      '--rate needs one process (its buckets are per process: --workers N would allow N times the rate)',
    );
  if (v['ipv6-only'] === true && type !== 'udp6')
    throw new CliError('ERR_INVALID_ARG_VALUE', '--ipv6-only needs --type udp6');
  const hostGiven = v.host !== undefined || process.env.HOST !== undefined;
  const host = type === 'udp6' && !hostGiven ? '::' : args.server.host;
  if (type === 'udp4' && isIPv6(host))
    throw new CliError('ERR_INVALID_ARG_VALUE', `--host ${host} is IPv6: add --type udp6`);
  if (type === 'udp6' && isIPv4(host))
    throw new CliError('ERR_INVALID_ARG_VALUE', `--host ${host} is IPv4: use --type udp4`);
  const logger = createLogger({ name: NAME, level: args.server.logLevel });
  const app = createUdpServer({
    ...limits,
    mode,
    type,
    ipv6Only: v['ipv6-only'] === true,
    logger,
  });
  if (isClusterPrimary(args.server.workers)) {
    // The primary serves nothing: the counters are the workers'. Each logs its own.
    process.on('SIGUSR2', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGUSR2');
    });
  } else {
    process.on('SIGUSR2', () => app.logCounters('SIGUSR2'));
  }
  await serve(app, { name: NAME, logger, ...args.server, host });
}

async function clientMain(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...limitFlags(CLIENT_LIMITS),
      host: { type: 'string' },
      port: { type: 'string' },
      json: { type: 'boolean' },
    },
    { usage: CLIENT_USAGE },
  );
  const v = values as Record<string, string | boolean | undefined>;
  const limits = readLimitFlags(CLIENT_LIMITS, v);
  const host = typeof v.host === 'string' && v.host !== '' ? v.host : '127.0.0.1';
  const port = intFlag('--port', v.port, { min: 1, max: 65_535, default: DEFAULT_PORT });
  const json = v.json === true;
  const oneShotOnly = (['retries'] as const).filter((k) => v[k] !== undefined);
  const measureOnly = (['size', 'window'] as const).filter((k) => v[k] !== undefined);

  if (limits.count === undefined) {
    if (measureOnly.length > 0)
      throw new CliError('ERR_INVALID_ARG_VALUE', `--${measureOnly[0]} needs --count`);
    if (positionals.length !== 1)
      throw new CliError(
        'ERR_MISSING_ARGS',
        'give one MESSAGE to send (quote it), or --count N to measure (see --help)',
      );
    const message = Buffer.from(positionals[0]!);
    if (message.length > MAX_UDP_PAYLOAD_IPV4)
      throw new CliError(
        'ERR_INVALID_ARG_VALUE',
        `MESSAGE is ${message.length} bytes; a UDP datagram carries at most ${MAX_UDP_PAYLOAD_IPV4}`,
      );
    try {
      const r = await sendOnce({ host, port, message, ...limits });
      if (json) {
        const { reply, ...rest } = r;
        process.stdout.write(`${JSON.stringify({ ...rest, reply: reply.toString('utf8') })}\n`);
      } else {
        process.stdout.write(Buffer.concat([r.reply, Buffer.from('\n')]));
        process.stderr.write(`${formatReply(r)}\n`);
      }
    } catch (err) {
      if (!(err instanceof NoReplyError)) throw err;
      process.stderr.write(
        `${NAME} client: ${err.message} (UDP does not say why: no server on that port, a firewall, or a lost datagram)\n`,
      );
      process.exitCode = 1;
    }
    return;
  }

  if (oneShotOnly.length > 0)
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `--${oneShotOnly[0]} is for one-shot mode: a measurement never sends a probe twice`,
    );
  if (positionals.length > 0)
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      `unexpected argument '${positionals[0]}': --count sends its own probes`,
    );
  // First Ctrl-C: stop and print what was measured (like ping); a second one exits.
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const bar = process.stderr.isTTY ? new ProgressLine(limits.count, process.stderr) : undefined;
  const result = await measure({
    host,
    port,
    count: limits.count,
    size: limits.size,
    window: limits.window,
    timeout: limits.timeout,
    signal: controller.signal,
    ...(bar && { onProgress: (p) => bar.update(p) }),
  }).finally(() => bar?.stop());
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : formatResult(result));
  if (result.stopped === 'port-unreachable')
    process.stderr.write(
      `${NAME} client: ${result.target}: port unreachable (ICMP): is the server running?\n`,
    );
  else if (result.received === 0)
    process.stderr.write(`${NAME} client: no echo came back from ${result.target}\n`);
  if (result.received === 0 || result.stopped === 'port-unreachable') process.exitCode = 1;
}

runMain(NAME, async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === 'client') return clientMain(argv.slice(1));
  return serverMain(argv);
});
