/**
 * Load and single requests against the static-content child: autocannon for throughput (with
 * or without keep-alive), one raw request per HTTP flavour for the write trace, and a sequence
 * of keep-alive requests for timing the handle's `writev`.
 */
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { httpLoad, type HttpLoadResult } from 'common/bench';
import { StaticServerError } from '../../errors.ts';

/** `keep-alive`: persistent connections; `close`: `Connection: close`, a TCP connection per request. */
export const CONNECTION_MODES = ['keep-alive', 'close'] as const;
export type ConnectionMode = (typeof CONNECTION_MODES)[number];

/** One autocannon run's figures (common/bench's `httpLoad`). */
export type LoadFigures = HttpLoadResult;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  url: string;
  mode: ConnectionMode;
  connections: number;
  durationMs: number;
  /** The server's CPU time so far, in ms. */
  serverCpuMs: () => number;
  /** Stops the run early; the promise then rejects with the reason. */
  signal?: AbortSignal;
}

/** Runs autocannon against `url` with or without keep-alive and reads the server's CPU time around it. */
export function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const { mode, ...rest } = options;
  return httpLoad({ ...rest, headers: mode === 'close' ? { connection: 'close' } : {} });
}

/** The request line and headers of each traced flavour (raw, so HTTP/1.0 is possible). */
export const TRACE_REQUESTS = {
  'keep-alive': (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
  'Connection: close': (path: string) =>
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
  // What ab sends, the book's load tool: HTTP/1.0, no keep-alive.
  'HTTP/1.0': (path: string) => `GET ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`,
} as const;

/** The end of a chunked body: the last chunk (RFC 9112 §7.1). */
const LAST_CHUNK = '0\r\n\r\n';

/**
 * Sends one raw request and resolves with the response once it is complete (the peer closed,
 * or a chunked body ended). Rejects on a socket error, or with a `StaticServerError`
 * `ERR_REQUEST_TIMEOUT` after `timeoutMs`.
 */
export function rawRequest(port: number, request: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    const done = (err?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(response);
    };
    const timer = setTimeout(
      () =>
        done(
          new StaticServerError(
            'ERR_REQUEST_TIMEOUT',
            `no complete response within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      response += text;
      if (response.endsWith(LAST_CHUNK)) done();
    });
    socket.on('end', () => done());
    socket.on('error', done);
    socket.write(request);
  });
}

/**
 * `count` GETs of each URL, alternating (A B A B …, so drift hits both alike), one at a time,
 * each URL on its own keep-alive connection.
 *
 * @throws {StaticServerError} `ERR_REQUEST_TIMEOUT` when a response takes over `timeoutMs`.
 */
export async function alternatingRequests(
  urls: readonly string[],
  count: number,
  timeoutMs: number,
): Promise<void> {
  const agents = urls.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    for (let i = 0; i < count; i += 1) {
      for (const [j, url] of urls.entries()) await getOnce(url, agents[j]!, timeoutMs);
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

function getOnce(url: string, agent: Agent, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = get(url, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(
        new StaticServerError('ERR_REQUEST_TIMEOUT', `no response within ${timeoutMs} ms`),
      ),
    );
    req.on('error', reject);
  });
}
