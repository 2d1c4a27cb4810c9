import type { Socket } from 'node:net';
import { connectionFields, type Logger } from 'common';
import type { HttpConnection } from './handler.ts';
import type { HttpResponse } from './http-message.ts';
import type { Tunnel } from './proxy.ts';

/**
 * http-server's state of one HTTP/1.x connection (an {@link HttpConnection}), made at the
 * server's `connection` event.
 *
 * The connection's logger (a pino child tagged `conn` and `remote`, common's
 * `connectionLogger`) is made the first time something logs for this connection: most
 * connections never do at `info` (a `GET` answered 200 logs nothing), and building a child at
 * every `connection` cost more than the rest of netlab's per-connection work together
 * (callgrind, one connection per request: ~12,000 instructions of ~55,000 over a bare
 * `node:http` server; see the README's benchmark section). The fields are taken now, while the
 * peer's address is known: a socket reset by its peer has none any more, and its `client
 * error` line still says who it was.
 */
export class ConnectionState implements HttpConnection {
  current: HttpResponse | undefined = undefined;
  tunnel: Tunnel | undefined = undefined;
  readonly #parent: Logger;
  readonly #fields: { conn: number; remote: string };
  #logger: Logger | undefined = undefined;

  constructor(parent: Logger, socket: Socket) {
    this.#parent = parent;
    this.#fields = connectionFields(socket);
  }

  /** The connection's logger, made on first use (see the class comment). */
  get logger(): Logger {
    this.#logger ??= this.#parent.child(this.#fields);
    return this.#logger;
  }
}
