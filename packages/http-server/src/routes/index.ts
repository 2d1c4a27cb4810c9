import { echo } from './echo.ts';
import { headersDemo } from './headers-demo.ts';
import { hello } from './hello.ts';
import { inspect } from './inspect.ts';
import type { Route } from './router.ts';
import { slow } from './slow.ts';
import { staticBuffer, staticString } from './static.ts';

/** The built-in routes (issue 5; book §7.3). */
export const ROUTES: readonly Route[] = [
  { path: '/', methods: { GET: hello } },
  { path: '/inspect', methods: { GET: inspect } },
  { path: '/echo', methods: { POST: echo } },
  { path: '/slow', methods: { GET: slow } },
  { path: '/static/string', methods: { GET: staticString } },
  { path: '/static/buffer', methods: { GET: staticBuffer } },
  { path: '/headers-demo', methods: { GET: headersDemo } },
];
