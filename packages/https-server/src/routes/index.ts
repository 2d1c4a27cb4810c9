import type { Route } from 'http-server';
import { hello } from './hello.ts';
import { tlsInfo } from './tls-info.ts';

/**
 * The routes https-server adds to http-server's (`/inspect`, `/echo`, `/slow`, `/static/*`,
 * `/headers-demo`): the book's `hello world` at `/` (replacing http-server's `Hello World`),
 * and `/tls`.
 */
export const ROUTES: readonly Route[] = [
  { path: '/', methods: { GET: hello } },
  { path: '/tls', methods: { GET: tlsInfo } },
];
