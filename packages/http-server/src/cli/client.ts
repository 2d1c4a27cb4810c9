/**
 * `http-server client URL [options]`: the book's client (§7.3.3), curl-style with `-v`, and a
 * load mode that shows the Agent's pool (`--concurrency`, `--requests`, `--max-sockets`).
 * Flags for the client's limits come from `CLIENT_LIMITS`.
 */
import { CliError, limitFlags, limitsHelp, parseFlags, readLimitFlags } from 'common';
import { assertNever } from 'common/protocol';
import { runLoad, type PoolState } from '../agent-pool.ts';
import {
  connectThrough,
  rawPairs,
  request,
  type ClientEvent,
  type ClientResponse,
} from '../client.ts';
import { CLIENT_LIMITS } from '../limits.ts';

const USAGE = `usage: http-server client URL [options]

Options:
  -v, --verbose            curl -v style: > request, < response, * client events (on stderr)
  -X, --request METHOD     request method (default GET, POST with -d)
  -d, --data BODY          request body
  -H, --header 'N: v'      extra request header (repeatable)
  --expect-continue        send Expect: 100-continue, the body after the 'continue' event
  --upgrade PROTOCOL       ask to switch protocols (the 'upgrade' event)
  --connect-to HOST:PORT   CONNECT through URL (a proxy) to HOST:PORT, then GET URL's path (the 'connect' event)
  --no-agent               agent: false (a new connection per request, no pooling)
${limitsHelp(CLIENT_LIMITS)}
  -h, --help               this text`;

const FLAGS = {
  verbose: { type: 'boolean', short: 'v' },
  request: { type: 'string', short: 'X' },
  data: { type: 'string', short: 'd' },
  header: { type: 'string', short: 'H', multiple: true },
  'expect-continue': { type: 'boolean' },
  upgrade: { type: 'string' },
  'connect-to': { type: 'string' },
  'no-agent': { type: 'boolean' },
} as const;

/** The flags that switch to load mode. */
const LOAD_FLAGS = ['concurrency', 'requests', 'max-sockets'] as const;

/**
 * Runs one request (or a load run) and prints the answer.
 *
 * @throws {CliError} for bad arguments (exit 2); the connect error (`ECONNREFUSED` …, exit 1).
 */
export async function clientMain(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    argv,
    { ...FLAGS, ...limitFlags(CLIENT_LIMITS) },
    { usage: USAGE },
  );
  const v = values;
  const raw: Readonly<Record<string, unknown>> = values;
  const limits = readLimitFlags(CLIENT_LIMITS, raw);
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
  if (LOAD_FLAGS.some((flag) => raw[flag] !== undefined)) {
    await loadMain(url, {
      concurrency: limits.concurrency,
      requests: limits.requests,
      maxSockets: v['no-agent'] === true ? false : (limits.maxSockets ?? Infinity),
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
  const { timeout, maxResponseBody } = limits;
  if (v['connect-to'] !== undefined) {
    const tunnel = await connectThrough(url, v['connect-to'], `${url.pathname}${url.search}`, {
      onEvent,
      onRequestHead,
      onConnectHead: (lines) => {
        if (verbose) process.stderr.write(`${lines.map((l) => `< ${l}`).join('\n')}\n<\n`);
      },
      timeout,
      maxResponseBody,
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
    timeout,
    maxResponseBody,
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
    default:
      return assertNever(event, 'client event');
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
