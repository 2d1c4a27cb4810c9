import { HttpError } from '../errors.ts';
import { parseSlowMs } from '../protocol/slow-query.ts';
import { sendText, type Handler } from './router.ts';

/**
 * `GET /slow?ms=N` (0 ≤ N ≤ 10 000, default 1 000): answers `slept N ms` after N ms. Used to
 * show graceful shutdown (in-flight requests still complete) and the Agent's queue. The timer
 * is cleared if the client goes away first.
 */
export const slow: Handler = ({ res, target }) => {
  const ms = parseSlowMs(target.search);
  if (ms instanceof HttpError) {
    sendText(res, ms.statusCode, `${ms.message}\n`);
    return;
  }
  const timer = setTimeout(() => sendText(res, 200, `slept ${ms} ms\n`), ms);
  res.once('close', () => clearTimeout(timer));
};
