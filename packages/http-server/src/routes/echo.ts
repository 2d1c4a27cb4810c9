import type { HttpError } from '../errors.ts';
import {
  closeConnectionHeader,
  discardRequestBody,
  type HttpRequest,
  type HttpResponse,
} from '../http-message.ts';
import { BodyCollector, checkDeclaredLength } from '../protocol/body.ts';
import { sendText, type Handler } from './router.ts';

/**
 * Answers 413 without reading the rest of the body. HTTP/1.x: the connection is closed, since
 * the unread bytes leave it unable to carry another request (`Connection: close`; Node ends
 * and destroys the socket once the response is flushed). HTTP/2: only the stream ends (reset
 * with NO_ERROR once the answer is out); the connection's other streams are not affected.
 */
export function refuseBody(req: HttpRequest, res: HttpResponse, err: HttpError): void {
  discardRequestBody(req, res);
  sendText(res, err.statusCode, `${err.message}\n`, closeConnectionHeader(req));
}

/**
 * `POST /echo`: reads the body the book's way (§7.3.2: `data` chunks, `Buffer.concat` at
 * `end`) and sends it back with the request's `Content-Type` and a byte-exact
 * `Content-Length`. Over `maxBody` → 413: at once when `Content-Length` says so, otherwise as
 * soon as the running total crosses the limit (chunked bodies too), without buffering more.
 */
export const echo: Handler = ({ req, res, maxBody, logger }) => {
  const declared = checkDeclaredLength(req.headers['content-length'], maxBody);
  if (declared !== undefined) {
    logger.info(
      { code: declared.code, contentLength: req.headers['content-length'] },
      'body refused',
    );
    refuseBody(req, res, declared);
    return;
  }
  const body = new BodyCollector(maxBody);
  const onData = (chunk: Buffer): void => {
    const err = body.push(chunk);
    if (err === undefined) return;
    req.off('data', onData);
    logger.info({ code: err.code, received: body.length + chunk.length }, 'body refused');
    refuseBody(req, res, err);
  };
  req.on('data', onData);
  req.on('end', () => {
    if (res.headersSent) return;
    const data = body.concat();
    res.writeHead(200, {
      'Content-Type': req.headers['content-type'] ?? 'application/octet-stream',
      'Content-Length': data.length,
    });
    res.end(data);
  });
};
