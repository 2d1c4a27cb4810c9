/**
 * The one place that reads argv/env and listens. `main.ts` runs the server (default port
 * 1337, the book's); `main.ts client URL …` runs the client CLI.
 */
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
import { runLoad, type PoolState } from './agent-pool.ts';
import {
  connectThrough,
  rawPairs,
  request,
  type ClientEvent,
  type ClientResponse,
} from './client.ts';
import {
  DEFAULT_CONNECTIONS_CHECKING_INTERVAL,
  DEFAULT_HEADERS_TIMEOUT,
  DEFAULT_KEEP_ALIVE_TIMEOUT,
  DEFAULT_MAX_BODY,
  DEFAULT_MAX_HEADERS_COUNT,
  DEFAULT_MAX_REQUESTS_PER_SOCKET,
  DEFAULT_PORT,
  DEFAULT_REQUEST_TIMEOUT,
  MAX_MAX_BODY,
  MAX_TIMEOUT,
} from './constants.ts';
import { describeLimits } from './options.ts';
import { parseAllowList } from './protocol/connect-target.ts';
import { createHttpServer } from './server.ts';

const SERVER_USAGE = `usage: http-server [options]

HTTP server of §7.3 (node:http) with limits and graceful shutdown.

Options:
  --max-body SIZE                      largest /echo body, e.g. 65536, 64k, 1m (default 1m)
  --headers-timeout MS                 time to receive the request head (default 15000)
  --request-timeout MS                 time to receive the whole request, 0 = off (default 30000)
  --keep-alive-timeout MS              idle keep-alive socket lifetime (default 5000)
  --max-headers-count N                header fields parsed per request (default 100)
  --max-requests-per-socket N          requests per keep-alive socket, 0 = no limit (default 1000)
  --connections-checking-interval MS   how often the two timeouts are checked (default 1000)
  --proxy-allow HOST:PORT[,…]          CONNECT targets to tunnel to (default: CONNECT refused)`;

const CLIENT_USAGE = `usage: http-server client URL [options]

Options:
  -v, --verbose            curl -v style: > request, < response, * client events (on stderr)
  -X, --request METHOD     request method (default GET, POST with -d)
  -d, --data BODY          request body
  -H, --header 'N: v'      extra request header (repeatable)
  --expect-continue        send Expect: 100-continue, the body after the 'continue' event
  --upgrade PROTOCOL       ask to switch protocols (the 'upgrade' event)
  --connect-to HOST:PORT   CONNECT through URL (a proxy) to HOST:PORT, then GET URL's path (the 'connect' event)
  --no-agent               agent: false (a new connection per request, no pooling)
  --concurrency N          load mode: requests in flight at once
  --requests N             load mode: total requests (default 100)
  --max-sockets N          load mode: the Agent's maxSockets (default Infinity; it was 5 in the book's Node)
  -h, --help               this text`;

function serverMain(argv: string[]): Promise<void> | void {
  const args = parseServerArgs({
    argv,
    env: process.env,
    defaultPort: DEFAULT_PORT,
    usage: SERVER_USAGE,
    options: {
      'max-body': { type: 'string' },
      'headers-timeout': { type: 'string' },
      'request-timeout': { type: 'string' },
      'keep-alive-timeout': { type: 'string' },
      'max-headers-count': { type: 'string' },
      'max-requests-per-socket': { type: 'string' },
      'connections-checking-interval': { type: 'string' },
      'proxy-allow': { type: 'string' },
    },
  });
  const v = args.values;
  const ms = (name: string, value: string | undefined, def: number, min = 0): number =>
    intFlag(name, value, { min, max: MAX_TIMEOUT, default: def });
  let proxyAllow: string[] = [];
  try {
    proxyAllow = parseAllowList(v['proxy-allow'] ?? '');
  } catch (err) {
    throw new CliError('ERR_INVALID_ARG_VALUE', `--proxy-allow: ${(err as Error).message}`);
  }
  const logger = createLogger({ name: 'http-server', level: args.server.logLevel });
  const http = createHttpServer({
    logger,
    maxBody: bytesFlag('--max-body', v['max-body'], {
      min: 0,
      max: MAX_MAX_BODY,
      default: DEFAULT_MAX_BODY,
    }),
    headersTimeout: ms('--headers-timeout', v['headers-timeout'], DEFAULT_HEADERS_TIMEOUT, 1),
    requestTimeout: ms('--request-timeout', v['request-timeout'], DEFAULT_REQUEST_TIMEOUT),
    keepAliveTimeout: ms(
      '--keep-alive-timeout',
      v['keep-alive-timeout'],
      DEFAULT_KEEP_ALIVE_TIMEOUT,
    ),
    maxHeadersCount: intFlag('--max-headers-count', v['max-headers-count'], {
      min: 1,
      max: 10_000,
      default: DEFAULT_MAX_HEADERS_COUNT,
    }),
    maxRequestsPerSocket: intFlag('--max-requests-per-socket', v['max-requests-per-socket'], {
      min: 0,
      max: 1_000_000,
      default: DEFAULT_MAX_REQUESTS_PER_SOCKET,
    }),
    connectionsCheckingInterval: ms(
      '--connections-checking-interval',
      v['connections-checking-interval'],
      DEFAULT_CONNECTIONS_CHECKING_INTERVAL,
      100,
    ),
    proxyAllow,
  });
  logger.info({ limits: describeLimits(http.options) }, 'limits (bytes, ms)');
  return serve(http.server, {
    name: 'http-server',
    logger,
    scheme: 'http',
    drain: (signal) => http.drain(signal),
    ...args.server,
  }).then(() => undefined);
}

async function clientMain(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags(
    argv,
    {
      verbose: { type: 'boolean', short: 'v' },
      request: { type: 'string', short: 'X' },
      data: { type: 'string', short: 'd' },
      header: { type: 'string', short: 'H', multiple: true },
      'expect-continue': { type: 'boolean' },
      upgrade: { type: 'string' },
      'connect-to': { type: 'string' },
      'no-agent': { type: 'boolean' },
      concurrency: { type: 'string' },
      requests: { type: 'string' },
      'max-sockets': { type: 'string' },
    },
    { usage: CLIENT_USAGE },
  );
  if (positionals.length !== 1)
    throw new CliError('ERR_MISSING_ARGS', 'client needs exactly one URL (see --help)');
  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    throw new CliError('ERR_INVALID_ARG_VALUE', `not a URL: '${positionals[0]}'`);
  }
  if (url.protocol !== 'http:')
    throw new CliError('ERR_INVALID_ARG_VALUE', `only http:// URLs (got ${url.protocol})`);
  const headers: Record<string, string> = {};
  for (const line of v.header ?? []) {
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new CliError('ERR_INVALID_ARG_VALUE', `--header must be 'Name: value' (got '${line}')`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  if (v.concurrency !== undefined || v.requests !== undefined || v['max-sockets'] !== undefined) {
    await loadMain(url, {
      concurrency: intFlag('--concurrency', v.concurrency, { min: 1, max: 10_000, default: 10 }),
      requests: intFlag('--requests', v.requests, { min: 1, max: 1_000_000, default: 100 }),
      maxSockets:
        v['no-agent'] === true
          ? false
          : v['max-sockets'] === undefined
            ? Infinity
            : intFlag('--max-sockets', v['max-sockets'], { min: 1, max: 10_000 }),
    });
    return;
  }
  const verbose = v.verbose === true;
  const onEvent = (event: ClientEvent): void => {
    if (verbose) process.stderr.write(`* ${describeEvent(event)}\n`);
  };
  const onRequestHead = (lines: string[]): void => {
    if (verbose) process.stderr.write(`${lines.map((l) => `> ${l}`).join('\n')}\n>\n`);
  };
  if (v['connect-to'] !== undefined) {
    const tunnel = await connectThrough(url, v['connect-to'], `${url.pathname}${url.search}`, {
      onEvent,
      onRequestHead,
      onConnectHead: (lines) => {
        if (verbose) process.stderr.write(`${lines.map((l) => `< ${l}`).join('\n')}\n<\n`);
      },
    });
    if (tunnel.response === undefined) {
      process.stdout.write(`CONNECT ${v['connect-to']}: ${tunnel.connectStatus}\n`);
      return;
    }
    printResponse(tunnel.response, verbose);
    return;
  }
  const res = await request(url, {
    headers,
    onEvent,
    onRequestHead,
    ...(v.request === undefined ? {} : { method: v.request.toUpperCase() }),
    ...(v.data === undefined ? {} : { body: v.data }),
    ...(v['no-agent'] === true ? { agent: false as const } : {}),
    ...(v['expect-continue'] === true ? { expectContinue: true } : {}),
    ...(v.upgrade === undefined ? {} : { upgrade: v.upgrade }),
  });
  printResponse(res, verbose);
}

function describeEvent(event: ClientEvent): string {
  switch (event.type) {
    case 'socket':
      return `socket: ${event.reused ? 'reused keep-alive connection' : 'new connection'} (local port ${event.localPort})`;
    case 'continue':
      return "continue: server sent '100 Continue', sending the body";
    case 'information':
      return `information: ${event.statusCode}`;
    case 'response':
      return `response: ${event.statusCode}`;
    case 'upgrade':
      return `upgrade: ${event.statusCode} to ${event.upgrade ?? '?'} (socket handed over; closing it)`;
    case 'connect':
      return `connect: ${event.statusCode}${event.statusCode === 200 ? ' (tunnel open)' : ''}`;
    default: {
      const never: never = event;
      return String(never);
    }
  }
}

/** Prints like the book's client (`STATUS:`, `HEADERS:`, body), or curl -v style with `-v`. */
function printResponse(res: ClientResponse, verbose: boolean): void {
  if (verbose) {
    const lines = [
      `< HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`,
      ...rawPairs(res.rawHeaders).map((l) => `< ${l}`),
      '<',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
    process.stdout.write(res.body);
    return;
  }
  process.stdout.write(`STATUS: ${res.statusCode}\nHEADERS: ${JSON.stringify(res.headers)}\n`);
  process.stdout.write(res.body);
}

async function loadMain(
  url: URL,
  opts: { concurrency: number; requests: number; maxSockets: number | false },
): Promise<void> {
  const out = process.stdout;
  out.write(
    opts.maxSockets === false
      ? 'agent: false — every request opens its own connection (no pool to show)\n'
      : `http.Agent { keepAlive: true, maxSockets: ${opts.maxSockets} } — the book's Node defaulted maxSockets to 5; modern Node's default is Infinity\n`,
  );
  let last = '';
  let lastPrinted = 0;
  const show = (state: PoolState[], force = false): void => {
    const line = state
      .map(
        (r) =>
          `${r.origin} sockets=${r.sockets} requests=${r.requests} freeSockets=${r.freeSockets}`,
      )
      .join('; ');
    const now = performance.now();
    if (line === last || (!force && now - lastPrinted < 100)) return;
    last = line;
    lastPrinted = now;
    out.write(`pool ${line}\n`);
  };
  const result = await runLoad({ url, ...opts, onPoolChange: (state) => show(state) });
  const statuses = Object.entries(result.statuses)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  out.write(
    `done: ${result.completed}/${opts.requests} ok, ${result.failed} failed in ${result.durationMs.toFixed(0)} ms; statuses ${statuses || 'none'}; ` +
      `peak sockets=${result.peakSockets} peak requests=${result.peakQueued}; connections used=${result.connections}\n`,
  );
  if (result.failed > 0) process.exitCode = 1;
}

runMain('http-server', async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === 'client') {
    await clientMain(argv.slice(1));
    return;
  }
  await serverMain(argv);
});
