import { IncomingMessage } from 'node:http';
import { Http2ServerRequest } from 'node:http2';
import { TLSSocket } from 'node:tls';
import { summarizePeerCertificate } from 'certs';
import { sendText, type Handler, type HttpRequest } from 'http-server';

/**
 * The TLS connection a request came on. HTTP/1.x: `req.socket`, the `TLSSocket` itself.
 * HTTP/2: `req.socket` is a proxy of the session's `TLSSocket` (reads and method calls pass
 * through; `write`, `pause`, `destroy` … throw `ERR_HTTP2_NO_SOCKET_MANIPULATION`), and ALPN is
 * the session's. Undefined for a request that did not come over TLS.
 */
export function tlsSocketOf(req: HttpRequest): TLSSocket | undefined {
  const socket =
    req instanceof Http2ServerRequest
      ? req.stream.session?.socket
      : req instanceof IncomingMessage
        ? req.socket
        : undefined;
  return socket instanceof TLSSocket ? socket : undefined;
}

/**
 * `GET /tls`: what TLS negotiated for this request, as JSON: the HTTP version, the ALPN
 * protocol (`h2` or `http/1.1`, or `false` for a client that sent no ALPN), the TLS version
 * and suite, the SNI name, whether the session was resumed, and, with mutual TLS, the client
 * certificate.
 */
export const tlsInfo: Handler = ({ req, res }) => {
  const socket = tlsSocketOf(req);
  if (socket === undefined) {
    sendText(res, 500, 'not a TLS connection\n');
    return;
  }
  const cipher = socket.getCipher();
  const body = `${JSON.stringify(
    {
      httpVersion: req.httpVersion,
      alpnProtocol: socket.alpnProtocol,
      protocol: socket.getProtocol(),
      cipher: cipher.standardName,
      cipherOpenSSL: cipher.name,
      servername: socket.servername ?? false,
      sessionReused: socket.isSessionReused(),
      clientCertificate: summarizePeerCertificate(socket.getPeerCertificate()) ?? null,
      clientAuthorized: socket.authorized,
    },
    null,
    2,
  )}\n`;
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
};
