/** Test helpers for this package: an in-process server on port 0 and a captured JSON log. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from 'common';
import { startServer, type Teardown, type TestServer } from 'common/harness';
import { createHttpServer, type HttpServer } from '../src/server.ts';
import type { HttpServerOptions } from '../src/options.ts';

/** A logger whose JSON lines land in `lines` (parsed). */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const logger = createLogger({ name: 'http-server', level: 'debug', format: 'json', destination });
  return { logger, lines };
}

/** Starts `createHttpServer(options)` on 127.0.0.1:0 and registers its close. */
export async function startHttp(
  teardown: Teardown,
  options: HttpServerOptions = {},
): Promise<{ http: HttpServer; ts: TestServer; url: (path?: string) => string }> {
  const http = createHttpServer(options);
  const ts = await startServer(http);
  teardown.add(ts, () => ts.close());
  return { http, ts, url: (path = '/') => ts.url('http', path) };
}

/** Splits raw HTTP/1.1 bytes into responses' status lines (`HTTP/1.1 200 OK` …). */
export function statusLines(raw: string): string[] {
  return raw.match(/HTTP\/1\.[01] \d{3} [^\r\n]*/g) ?? [];
}
