import { STATIC_BODY_BYTES } from '../constants.ts';
import type { Handler } from './router.ts';

/** The `/static/*` body: {@link STATIC_BODY_BYTES} of ASCII text (so string length = bytes). */
export const STATIC_TEXT = 'netlab static body, served as a string or as a Buffer.\n'
  .repeat(Math.ceil(STATIC_BODY_BYTES / 55))
  .slice(0, STATIC_BODY_BYTES);

/** Prepared once at start-up (ch. 6 "Buffer 与性能"): no per-request encoding. */
const STATIC_BUFFER = Buffer.from(STATIC_TEXT, 'utf8');

const HEADERS = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Content-Length': STATIC_BODY_BYTES,
};

/** `GET /static/string`: the 10 KiB body written as a JS string (encoded to UTF-8 on every write). */
export const staticString: Handler = ({ res }) => {
  res.writeHead(200, HEADERS);
  res.end(STATIC_TEXT);
};

/** `GET /static/buffer`: the same bytes from a Buffer made at start-up (written as is). */
export const staticBuffer: Handler = ({ res }) => {
  res.writeHead(200, HEADERS);
  res.end(STATIC_BUFFER);
};
