/**
 * The child process of the `static-content` demo (§6.4 Buffer与性能): the book's server, two
 * routes, the same 10 KiB body written as a string (encoded on every response) and as a Buffer
 * made once at start-up, exactly as the book writes them (`res.writeHead(200); res.end(body)`).
 * It runs in its own process so that its CPU time can be read from /proc and autocannon does not
 * share its event loop. It talks to the parent over the IPC channel: `listening` (with the port)
 * → the parent; `report` ← the parent asks for the write trace; `stop` ← the parent asks it to
 * exit (which also writes a `--cpu-prof` profile).
 *
 * With `trace`, the socket handle's write methods (`writev`, `writeBuffer`, `write*String`, the
 * calls `net.Socket` makes into C++) are wrapped to record what each response hands to them and
 * how long each call takes: the evidence for where the string is encoded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CliError } from 'common';
import { STATIC_BODY_BYTES } from '../../constants.ts';

/** The two routes: the body as a string, or as a Buffer prepared once. */
export const ROUTES = ['string', 'buffer'] as const;
export type Route = (typeof ROUTES)[number];

/** One call into the socket handle, e.g. `writev [string 135 latin1, Buffer 2, string 10240 utf8, …]`. */
export interface HandleCall {
  method: string;
  chunks: string[];
}

/** Messages from the child to the parent. */
export type ChildMessage =
  | { type: 'listening'; port: number }
  | {
      type: 'report';
      /** The handle calls of the first response per `route request-kind`. */
      calls: Record<string, HandleCall[]>;
      /** Duration of every `writev` call per route, in ns. */
      writevNs: Record<Route, number[]>;
      /** Duration of every `Buffer.byteLength` call made while writing a response, per route, in ns. */
      byteLengthNs: Record<Route, number[]>;
      /** Responses written per route while tracing. */
      responses: Record<Route, number>;
    };

/** Messages from the parent to the child. */
export type ParentMessage = { type: 'report' } | { type: 'stop' };

/** The book's body: `for (i < 1024 * 10) helloworld += 'a'`. */
export function staticBody(): string {
  let helloworld = '';
  for (let i = 0; i < STATIC_BODY_BYTES; i += 1) helloworld += 'a';
  return helloworld;
}

const WRITE_METHODS = [
  'writev',
  'writeBuffer',
  'writeUtf8String',
  'writeLatin1String',
  'writeAsciiString',
  'writeUcs2String',
] as const;

/** Records the handle calls of each response (see the module comment). */
class WriteTrace {
  readonly calls: Record<string, HandleCall[]> = {};
  readonly writevNs: Record<Route, number[]> = { string: [], buffer: [] };
  readonly byteLengthNs: Record<Route, number[]> = { string: [], buffer: [] };
  /** Keep-alive responses timed per route (timings are kept for keep-alive requests only). */
  readonly responses: Record<Route, number> = { string: 0, buffer: 0 };
  /** The response being written: set around `res.end()`, which writes synchronously. */
  #current: { route: Route; key: string; describe: boolean; timed: boolean } | undefined;
  #installed = false;

  /**
   * A response of `route` to a request of `kind` starts: the first of each kind is described,
   * keep-alive ones are timed (so every timed response took the same path).
   */
  begin(route: Route, kind: string): void {
    const key = `${route} ${kind}`;
    const timed = kind === 'keep-alive';
    if (timed) this.responses[route] += 1;
    this.#current = { route, key, describe: this.calls[key] === undefined, timed };
    if (this.#current.describe) this.calls[key] = [];
  }

  end(): void {
    this.#current = undefined;
  }

  /**
   * Wraps the write methods on the prototype of the first socket handle seen, and
   * `Buffer.byteLength` (which `_http_outgoing` calls for a string's chunk size).
   */
  install(socket: Socket): void {
    if (this.#installed) return;
    const handle = (socket as unknown as { _handle: object | null })._handle;
    if (handle === null) return;
    this.#installed = true;
    const byteLength = Buffer.byteLength;
    Buffer.byteLength = (...args: Parameters<typeof Buffer.byteLength>): number => {
      const start = process.hrtime.bigint();
      const n = byteLength(...args);
      const current = this.#current;
      if (current?.timed === true)
        this.byteLengthNs[current.route].push(Number(process.hrtime.bigint() - start));
      return n;
    };
    const proto = Object.getPrototypeOf(handle) as Record<string, unknown>;
    for (const method of WRITE_METHODS) {
      const original = proto[method];
      if (typeof original !== 'function') continue;
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const trace = this;
      proto[method] = function (this: unknown, ...args: unknown[]): unknown {
        const start = process.hrtime.bigint();
        const result: unknown = original.apply(this, args);
        const ns = Number(process.hrtime.bigint() - start);
        trace.#record(method, args, ns);
        return result;
      };
    }
  }

  #record(method: string, args: unknown[], ns: number): void {
    const current = this.#current;
    if (current === undefined) return;
    if (method === 'writev' && current.timed) this.writevNs[current.route].push(ns);
    if (current.describe) {
      this.calls[current.key]!.push({ method, chunks: describeChunks(method, args) });
    }
  }
}

/** `writev(req, chunks, allBuffers)`: chunks alternate with encodings unless all are Buffers. */
function describeChunks(method: string, args: unknown[]): string[] {
  const describe = (chunk: unknown, encoding?: unknown): string =>
    typeof chunk === 'string'
      ? `string ${chunk.length}${typeof encoding === 'string' ? ` ${encoding}` : ''}`
      : `Buffer ${(chunk as Uint8Array).length}`;
  if (method !== 'writev') return [describe(args[1])];
  const chunks = args[1] as unknown[];
  if (args[2] === true) return chunks.map((c) => describe(c));
  const out: string[] = [];
  for (let i = 0; i < chunks.length; i += 2) out.push(describe(chunks[i], chunks[i + 1]));
  return out;
}

/** What kind of request this is, for the trace: HTTP/1.0, or HTTP/1.1 with or without keep-alive. */
function requestKind(req: IncomingMessage): string {
  if (req.httpVersion === '1.0') return 'HTTP/1.0';
  return req.headers.connection?.toLowerCase() === 'close' ? 'Connection: close' : 'keep-alive';
}

/**
 * The book's two servers as one: `GET /string` and `GET /buffer` (anything else: the string
 * route, as the book's server answers every path). With `trace`, records the write path.
 */
export function createStaticContentServer(options: { trace?: boolean } = {}): {
  server: Server;
  trace: WriteTrace | undefined;
} {
  const helloworld = staticBody();
  const prepared = Buffer.from(helloworld);
  const trace = options.trace === true ? new WriteTrace() : undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route: Route = req.url === '/buffer' ? 'buffer' : 'string';
    if (trace !== undefined) {
      trace.install(req.socket);
      trace.begin(route, requestKind(req));
    }
    res.writeHead(200);
    res.end(route === 'buffer' ? prepared : helloworld);
    trace?.end();
  });
  return { server, trace };
}

/**
 * The child's body (called by `main.ts static-content-server`): listen on 127.0.0.1, port 0;
 * tell the parent the port; answer `report`; exit 0 on `stop` or when the parent goes away.
 */
export async function runStaticContentChild(options: { trace?: boolean } = {}): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) {
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      'static-content-server is started by the static-content demo (it needs an IPC channel)',
    );
  }
  const { server, trace } = createStaticContentServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'report') {
      const report: ChildMessage = {
        type: 'report',
        calls: trace?.calls ?? {},
        writevNs: trace?.writevNs ?? { string: [], buffer: [] },
        byteLengthNs: trace?.byteLengthNs ?? { string: [], buffer: [] },
        responses: trace?.responses ?? { string: 0, buffer: 0 },
      };
      send(report);
    } else if (message.type === 'stop') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  // The parent died or closed the channel: nothing will ask us to stop.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'listening', port } satisfies ChildMessage);
}
