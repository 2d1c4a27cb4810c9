import type { Logger } from 'common';
import type { HttpRequest, HttpResponse } from '../http-message.ts';
import type { RequestTarget } from '../protocol/request-target.ts';

/**
 * What a route handler gets: the book's `(req, res)` plus the server's limits and logger.
 * `req` and `res` are what `node:http` and the http2 compatibility API share (see
 * `http-message.ts`), so a route serves HTTP/1.1 and HTTP/2 alike.
 */
export interface RouteContext {
  req: HttpRequest;
  res: HttpResponse;
  /** The request-target split into `pathname` and `search` (see `parseRequestTarget`). */
  target: RequestTarget;
  /** Largest body the server accepts, in bytes. */
  maxBody: number;
  /** Per-connection logger (`conn`, `remote`). */
  logger: Logger;
}

/**
 * The {@link RouteContext} the server hands a route: `logger` is the connection's, looked up
 * (and, in http-server, made: see `ConnectionState`) only when the route asks for it, so a
 * route that logs nothing costs no logger.
 */
export class RequestContext implements RouteContext {
  readonly req: HttpRequest;
  readonly res: HttpResponse;
  readonly target: RequestTarget;
  readonly maxBody: number;
  readonly #server: { readonly logger: Logger };
  readonly #connection: { readonly logger: Logger } | undefined;

  /**
   * @param server the server's options: `maxBody`, and `logger` for a request whose
   *   connection is not tracked.
   * @param connection the state of the request's connection, if tracked.
   */
  constructor(
    req: HttpRequest,
    res: HttpResponse,
    target: RequestTarget,
    server: { readonly maxBody: number; readonly logger: Logger },
    connection: { readonly logger: Logger } | undefined,
  ) {
    this.req = req;
    this.res = res;
    this.target = target;
    this.maxBody = server.maxBody;
    this.#server = server;
    this.#connection = connection;
  }

  get logger(): Logger {
    return (this.#connection ?? this.#server).logger;
  }
}

/**
 * A request handler. It must answer (end `res`) exactly once; a thrown error or rejected
 * promise becomes a 500 (or, when headers were already sent, a destroyed response).
 */
export type Handler = (ctx: RouteContext) => void | Promise<void>;

/** One path and the handlers for its methods (upper-case method names). */
export interface Route {
  path: string;
  methods: Readonly<Record<string, Handler>>;
}

/** The result of {@link matchRoute}. */
export type RouteMatch =
  | { kind: 'found'; handler: Handler }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string[] };

/** Routes by path, for {@link matchRoute}; build it once with {@link routeTable}. */
export type RouteTable = ReadonlyMap<string, Route>;

/** Indexes routes by path; a later route with the same path replaces an earlier one. */
export function routeTable(routes: readonly Route[]): RouteTable {
  return new Map(routes.map((route) => [route.path, route]));
}

/**
 * Finds the handler for `method` and `pathname` (exact match). A `GET` handler also serves
 * `HEAD` (RFC 9110 §9.3.2; Node drops the body of a HEAD response itself). A known path with
 * another method is 405 with the `Allow` list (RFC 9110 §15.5.6).
 */
export function matchRoute(table: RouteTable, method: string, pathname: string): RouteMatch {
  const route = table.get(pathname);
  if (route === undefined) return { kind: 'not-found' };
  const handler = route.methods[method] ?? (method === 'HEAD' ? route.methods.GET : undefined);
  if (handler !== undefined) return { kind: 'found', handler };
  const allow = Object.keys(route.methods);
  if (allow.includes('GET') && !allow.includes('HEAD')) allow.push('HEAD');
  return { kind: 'method-not-allowed', allow };
}

/** Sends a small `text/plain` answer with a correct `Content-Length` (bytes, not characters). */
export function sendText(
  res: HttpResponse,
  statusCode: number,
  text: string,
  headers: Readonly<Record<string, string | number>> = {},
): void {
  res.writeHead(statusCode, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
