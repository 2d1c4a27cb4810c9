export { handleEchoConnection, type EchoConnectionOptions } from './echo.ts';
export {
  createTcpServer,
  TcpServer,
  FRAMINGS,
  type Framing,
  type TcpServerOptions,
  type ResolvedTcpServerOptions,
} from './server.ts';
export { LIMITS, SERVER_LIMITS, CLIENT_LIMITS } from './limits.ts';
export type { ConnectionHandle } from './connection.ts';
export { TcpClient, type TcpClientOptions } from './client.ts';
export {
  createDecoder,
  createEncoder,
  DecodeStream,
  EncodeStream,
  type CodecFraming,
  type CodecOptions,
  type Decoder,
} from './framing-stream.ts';
export { LineDecoder, encodeLine, type LineOptions } from './protocol/line.ts';
export {
  LengthPrefixedDecoder,
  encodeLengthPrefixed,
  lengthPrefixHeader,
  type LengthPrefixedOptions,
} from './protocol/length-prefixed.ts';
export { LengthPrefixedSplitter } from './protocol/length-prefixed-splitter.ts';
export {
  FixedDecoder,
  encodeFixed,
  stripFixedPadding,
  type FixedOptions,
} from './protocol/fixed.ts';
export {
  FramingError,
  MessageTooLongError,
  FrameTooLargeError,
  UnexpectedEofError,
  InvalidMessageError,
  ConnectionClosedError,
  type FramingErrorCode,
  type ConnectionClosedCode,
} from './errors.ts';
export * as constants from './constants.ts';
