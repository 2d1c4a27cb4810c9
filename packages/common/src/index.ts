export {
  NetlabError,
  CliError,
  HelpRequested,
  InvalidArgumentError,
  ServerStateError,
  ConnectTimeoutError,
  AddressInUseError,
  UnreachableError,
  ConnectionClosedError,
  type ConnectionClosedCode,
  type CliErrorCode,
  type InvalidArgumentCode,
  type ServerStateCode,
  type ConnectTimeoutCode,
  type UnreachableCode,
} from './errors.ts';
export { validateBoolean, validateInteger, validateOneOf, type IntegerBounds } from './validate.ts';
export {
  resolveLimits,
  pickLimits,
  readLimitFlags,
  limitFlags,
  limitsHelp,
  flagName,
  formatSize,
  type Limit,
  type LimitTable,
  type LimitUnit,
  type LimitValues,
  type LimitOptions,
} from './limits.ts';
export {
  parseServerArgs,
  parseFlags,
  rejectPositionals,
  intFlag,
  bytesFlag,
  choiceFlag,
  toCliError,
  type ServerArgs,
  type OptionTable,
  type ParsedServerArgs,
  type ParseServerArgsOptions,
  type IntFlagOptions,
} from './cli.ts';
export {
  createLogger,
  silentLogger,
  connectionLogger,
  connectionFields,
  type Logger,
  type CreateLoggerOptions,
} from './logger.ts';
export { formatAddress, boundPort } from './address.ts';
export {
  isDatagram,
  type NetlabServer,
  type Listenable,
  type OpenConnections,
} from './server-contract.ts';
export { ConnectionTracker } from './connections.ts';
export { listeningMessage, parseListeningLine } from './listening.ts';
export {
  serve,
  runMain,
  exitCodeFor,
  listen,
  closeServer,
  type ServeOptions,
  type RunningServer,
  type ListenTarget,
  type RunMainOptions,
  type ErrorClass,
} from './lifecycle.ts';
export { awaitConnect, type AwaitConnectOptions } from './connect.ts';
export { prepareSocketPath } from './unix-socket.ts';
export { closeIdleHttpConnections, HTTP_DRAIN_POLL_MS } from './http-drain.ts';
export { onSupervisorGone, SUPERVISOR_ENV } from './supervised.ts';
export {
  isRedisUrl,
  quitRedis,
  redactRedisUrl,
  redisReconnectDelay,
  validateRedisUrl,
  REDIS_QUIT_TIMEOUT_MS,
  REDIS_RECONNECT_MAX_MS,
  REDIS_RECONNECT_MIN_MS,
  type QuittableRedis,
} from './redis.ts';
export { formatBytes, formatMs, formatNumber } from './format.ts';
export { formatTable, type Cell, type Column } from './table.ts';
export {
  isClusterPrimary,
  isClusterWorker,
  WorkerStartError,
  SHUTDOWN_MESSAGE,
  RESTART_DELAY_MS,
  MAX_RESTART_DELAY_MS,
  CRASH_WINDOW_MS,
} from './cluster.ts';
