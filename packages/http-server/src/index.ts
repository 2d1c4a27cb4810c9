export { createHttpServer, HttpServer } from './server.ts';
export { HttpHandler, type HttpConnection } from './handler.ts';
export {
  isHttp2Request,
  closeConnectionHeader,
  discardRequestBody,
  abortResponse,
  type HttpRequest,
  type HttpResponse,
  type ServerRequest,
} from './http-message.ts';
export { LIMITS, CLIENT_LIMITS } from './limits.ts';
export { parseRequestTarget, type RequestTarget } from './protocol/request-target.ts';
export {
  resolveOptions,
  describeLimits,
  type HttpServerOptions,
  type ResolvedOptions,
} from './options.ts';
export {
  matchRoute,
  sendText,
  type Route,
  type RouteContext,
  type Handler,
  type RouteMatch,
} from './routes/router.ts';
export { ROUTES } from './routes/index.ts';
export {
  HttpError,
  HttpClientError,
  type HttpErrorCode,
  type HttpClientErrorCode,
} from './errors.ts';
export { BodyCollector, checkDeclaredLength } from './protocol/body.ts';
export { decideExpectation, ExpectDecision, type ExpectVerdict } from './protocol/expect.ts';
export {
  parseConnectTarget,
  formatConnectTarget,
  parseAllowList,
  type ConnectTarget,
} from './protocol/connect-target.ts';
export { parseSlowMs } from './protocol/slow-query.ts';
export {
  clientErrorStatus,
  clientErrorResponse,
  rawResponse,
  ClientErrorStatus,
} from './protocol/client-error.ts';
export {
  request,
  connectThrough,
  rawPairs,
  type ClientEvent,
  type ClientRequestOptions,
  type ClientResponse,
  type ConnectThroughOptions,
  type TunnelResult,
} from './client.ts';
export {
  agentPoolState,
  runLoad,
  type PoolState,
  type LoadOptions,
  type LoadResult,
} from './agent-pool.ts';
export * as constants from './constants.ts';
