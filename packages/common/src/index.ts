export { NetlabError, CliError, HelpRequested } from './errors.ts';
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
  serve,
  runMain,
  listen,
  trackConnections,
  type ServeOptions,
  type RunningServer,
  type ConnectionTracker,
  type ListenTarget,
} from './lifecycle.ts';
export { prepareSocketPath } from './unix-socket.ts';
