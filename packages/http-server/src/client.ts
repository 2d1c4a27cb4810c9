import {
  request as httpRequest,
  type Agent,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { resolveLimits } from 'common';
import { HttpClientError } from './errors.ts';
import { CLIENT_LIMITS } from './limits.ts';

/** A client-side event, in the order `node:http` emits them (book §7.3.3 "HTTP 客户端"). */
export type ClientEvent =
  | { type: 'socket'; reused: boolean; localPort: number | undefined }
  | { type: 'continue' }
  | { type: 'information'; statusCode: number }
  | { type: 'response'; statusCode: number }
  | { type: 'upgrade'; statusCode: number; upgrade: string | undefined }
  | { type: 'connect'; statusCode: number };

export interface ClientRequestOptions {
  /** Default `GET` (`POST` when a body is given). */
  method?: string;
  headers?: Record<string, string>;
  /** Request body (sent with `Content-Length`). */
  body?: string | Buffer;
  /** `http.Agent` to pool sockets in, `false` for a fresh connection (no pooling). Default: Node's global agent. */
  agent?: Agent | false;
  /** Send `Expect: 100-continue` and write the body only after the `continue` event. */
  expectContinue?: boolean;
  /** Ask to switch protocols (`Connection: upgrade`, `Upgrade: <value>`): see the `upgrade` event. */
  upgrade?: string;
  /**
   * Give up after this long without activity on the socket, in ms (`ETIMEDOUT`). Default and
   * bounds: `CLIENT_LIMITS.timeout` (10 000).
   */
  timeout?: number;
  /**
   * Largest response body kept, in bytes; more → `ERR_HTTP_RESPONSE_TOO_LARGE`. Default and
   * bounds: `CLIENT_LIMITS.maxResponseBody` (16 MiB).
   */
  maxResponseBody?: number;
  /** Called for each client event as it happens. */
  onEvent?: (event: ClientEvent) => void;
  /** Called once with the request line and headers, before anything is sent. */
  onRequestHead?: (lines: string[]) => void;
  /** Use this socket instead of connecting (e.g. a CONNECT tunnel); implies no agent. */
  socket?: Duplex;
}

/** The outcome of {@link request}: the book's `STATUS`, `HEADERS` and body. */
export interface ClientResponse {
  statusCode: number;
  statusMessage: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  /** The request line and headers as `node:http` sent them (after its own additions). */
  requestHead: string[];
}

/**
 * The request line and the headers set on the request (including the `Host` Node adds).
 * Node also writes `Connection` and framing headers it decides at send time; those are not
 * visible through the public API.
 */
function requestHead(req: ClientRequest): string[] {
  return [
    `${req.method} ${req.path} HTTP/1.1`,
    ...req.getRawHeaderNames().map((name) => `${name}: ${String(req.getHeader(name))}`),
  ];
}

function readBody(res: IncomingMessage, maxBody: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    res.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxBody) {
        res.destroy(
          new HttpClientError('ERR_HTTP_RESPONSE_TOO_LARGE', `response body over ${maxBody} bytes`),
        );
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks, length)));
    res.once('error', reject);
  });
}

/**
 * One HTTP request with `node:http` (book §7.3.3), reporting each client event through
 * `onEvent`. Resolves with the status, headers and whole body; a `101 Switching Protocols`
 * (`upgrade` event) resolves with an empty body and the upgraded socket closed.
 *
 * @throws {InvalidArgumentError} `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a `timeout` or
 *   `maxResponseBody` outside {@link CLIENT_LIMITS} (thrown, not rejected).
 * @throws (rejects with) the socket's error (`ECONNREFUSED`, `ECONNRESET` …), or
 *   {@link HttpClientError} `ETIMEDOUT` after `timeout` ms of inactivity /
 *   `ERR_HTTP_RESPONSE_TOO_LARGE` over `maxResponseBody`.
 */
export function request(
  url: string | URL,
  opts: ClientRequestOptions = {},
): Promise<ClientResponse> {
  const { timeout, maxResponseBody } = resolveLimits(CLIENT_LIMITS, {
    timeout: opts.timeout,
    maxResponseBody: opts.maxResponseBody,
  });
  const emit = opts.onEvent ?? (() => undefined);
  const headers: Record<string, string> = { ...opts.headers };
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  if (body !== undefined) headers['Content-Length'] = String(body.length);
  if (opts.expectContinue === true) headers.Expect = '100-continue';
  if (opts.upgrade !== undefined) {
    headers.Connection = 'Upgrade';
    headers.Upgrade = opts.upgrade;
  }
  const { socket } = opts;
  const req = httpRequest(url, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    // With `createConnection` and no agent, Node uses the given socket (agent: false would
    // make a fresh Agent that opens its own connection).
    ...(socket === undefined
      ? opts.agent === undefined
        ? {}
        : { agent: opts.agent }
      : { createConnection: () => socket as Socket }),
  });
  opts.onRequestHead?.(requestHead(req));
  return new Promise<ClientResponse>((resolve, reject) => {
    const finish = (res: IncomingMessage, data: Buffer): void =>
      resolve({
        statusCode: res.statusCode ?? 0,
        statusMessage: res.statusMessage ?? '',
        httpVersion: res.httpVersion,
        headers: res.headers,
        rawHeaders: res.rawHeaders,
        body: data,
        requestHead: requestHead(req),
      });
    req.setTimeout(timeout, () =>
      req.destroy(new HttpClientError('ETIMEDOUT', `no activity for ${timeout} ms`)),
    );
    req.once('error', reject);
    req.once('socket', (socket: Socket) => {
      const reused = (req as ClientRequest & { reusedSocket?: boolean }).reusedSocket === true;
      const report = (): void => emit({ type: 'socket', reused, localPort: socket.localPort });
      if (socket.connecting) socket.once('connect', report);
      else report();
    });
    req.on('information', (info: { statusCode: number }) => {
      if (info.statusCode !== 100) emit({ type: 'information', statusCode: info.statusCode });
    });
    req.once('continue', () => {
      emit({ type: 'continue' });
      req.end(body);
    });
    req.once('upgrade', (res: IncomingMessage, socket: Duplex) => {
      emit({ type: 'upgrade', statusCode: res.statusCode ?? 0, upgrade: res.headers.upgrade });
      socket.destroy();
      finish(res, Buffer.alloc(0));
    });
    req.once('response', (res: IncomingMessage) => {
      emit({ type: 'response', statusCode: res.statusCode ?? 0 });
      readBody(res, maxResponseBody).then((data) => {
        // A final answer without `100 Continue` (e.g. 417): the body must not be sent, and the
        // half-written request leaves the connection unusable, so it is closed.
        if (!req.writableEnded) req.destroy();
        finish(res, data);
      }, reject);
    });
    if (opts.expectContinue === true && body !== undefined) req.flushHeaders();
    else req.end(body);
  });
}

/** The result of {@link connectThrough}: the proxy's answer and, if tunnelled, the response through it. */
export interface TunnelResult {
  /** Status of the CONNECT answer (200 when the tunnel opened). */
  connectStatus: number;
  connectHead: string[];
  /** The answer to `GET path` sent through the tunnel; absent when the CONNECT was refused. */
  response?: ClientResponse;
}

/** Options of {@link connectThrough}. */
export type ConnectThroughOptions = Pick<
  ClientRequestOptions,
  'onEvent' | 'onRequestHead' | 'timeout' | 'maxResponseBody'
> & {
  /** Called with the proxy's answer head (status line + headers) as soon as it arrives. */
  onConnectHead?: (lines: string[]) => void;
};

/**
 * Opens a CONNECT tunnel through `proxyUrl` to `target` (`host:port`) and sends `GET path`
 * through it (the `connect` event, book §7.3.3; RFC 9110 §9.3.6). `timeout` applies to the
 * CONNECT and to the request through the tunnel alike.
 *
 * @throws what {@link request} throws; {@link HttpClientError} `ETIMEDOUT` when the proxy
 *   does not answer the CONNECT within `timeout`.
 */
export function connectThrough(
  proxyUrl: string | URL,
  target: string,
  path = '/',
  opts: ConnectThroughOptions = {},
): Promise<TunnelResult> {
  const { timeout } = resolveLimits(CLIENT_LIMITS, { timeout: opts.timeout });
  const onEvent = opts.onEvent ?? (() => undefined);
  const proxy = new URL(proxyUrl);
  const req = httpRequest({
    host: proxy.hostname,
    port: proxy.port === '' ? 80 : Number(proxy.port),
    method: 'CONNECT',
    path: target,
    agent: false,
  });
  opts.onRequestHead?.(requestHead(req));
  return new Promise<TunnelResult>((resolve, reject) => {
    req.setTimeout(timeout, () =>
      req.destroy(new HttpClientError('ETIMEDOUT', `CONNECT: no answer for ${timeout} ms`)),
    );
    req.once('error', reject);
    const head = (res: IncomingMessage): string[] => [
      `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`,
      ...rawPairs(res.rawHeaders),
    ];
    // Node emits `connect` for every answer to a CONNECT (403 and 502 too), not `response`.
    req.once('connect', (res: IncomingMessage, socket: Socket, bufferedHead: Buffer) => {
      emit(onEvent, { type: 'connect', statusCode: res.statusCode ?? 0 });
      opts.onConnectHead?.(head(res));
      if (res.statusCode !== 200) {
        socket.destroy();
        resolve({ connectStatus: res.statusCode ?? 0, connectHead: head(res) });
        return;
      }
      if (bufferedHead.length > 0) socket.unshift(bufferedHead);
      request(new URL(path, `http://${target}`), {
        headers: { Connection: 'close' },
        onEvent,
        timeout,
        ...(opts.maxResponseBody === undefined ? {} : { maxResponseBody: opts.maxResponseBody }),
        ...(opts.onRequestHead === undefined ? {} : { onRequestHead: opts.onRequestHead }),
        socket, // speak HTTP over the tunnel instead of opening a new connection
      }).then(
        (response) => resolve({ connectStatus: 200, connectHead: head(res), response }),
        reject,
      );
    });
    req.end();
  });
}

function emit(onEvent: (event: ClientEvent) => void, event: ClientEvent): void {
  onEvent(event);
}

/** `rawHeaders` (`[name, value, name, value …]`) as `Name: value` lines. */
export function rawPairs(rawHeaders: readonly string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  return lines;
}
