export { createWsServer, WsServer, type WsServerOptions } from './server.ts';
export { InProcessChatBus, type ChatBus, type ChatSink } from './chat/bus.ts';
export {
  ClusterChatBus,
  processChannel,
  relayChatBetweenWorkers,
  type ChatChannel,
  type ClusterChatBusOptions,
  type RelayOptions,
} from './chat/cluster-bus.ts';
export {
  ChatRelay,
  CHAT_IPC,
  isChatIpc,
  type ChatRelayOptions,
  type ChatToPrimary,
  type ChatToWorker,
} from './chat/relay.ts';
export { RedisChatBus, type RedisChatBusOptions } from './chat/redis-bus.ts';
export { ChatRooms, type ChatRoomsOptions } from './chat/rooms.ts';
export {
  DEFAULT_ROOM,
  isRoomName,
  chatFrame,
  chatFrameFromJson,
  joinedFrame,
  errorFrame,
  type ChatServerFrame,
} from './chat/messages.ts';
export {
  ClientMonitor,
  ClientSet,
  type ConnectionFields,
  type ConnectionState,
  type WsConnections,
} from './clients.ts';
export { connect, type ConnectOptions } from './client.ts';
export {
  connectionSettings,
  type ConnectionLimits,
  type ConnectionMonitor,
  type ConnectionSettings,
} from './connection-settings.ts';
export type { PerMessageDeflateOptions, DeflateSettings } from './deflate/options.ts';
export type { NegotiatedDeflate } from './deflate/per-message-deflate.ts';
export { zlibQueue, ZlibQueue } from './deflate/zlib-queue.ts';
export {
  WebSocket,
  ReadyState,
  type FrameInfo,
  type SendOptions,
  type WebSocketOptions,
} from './websocket.ts';
export {
  WsProtocolError,
  HandshakeError,
  WsStateError,
  WsArgumentError,
  ChatBusError,
  type ChatBusErrorCode,
  type WsProtocolErrorCode,
  type HandshakeErrorCode,
  type WsStateErrorCode,
  type WsArgumentErrorCode,
} from './errors.ts';
export {
  LIMITS,
  CHAT_BUS_LIMITS,
  CLIENT_LIMITS,
  CONNECTION_LIMITS,
  DEFLATE_LIMITS,
} from './limits.ts';
export { CloseCode, Opcode, GUID } from './constants.ts';
export {
  FrameDecoder,
  type FrameHeader,
  type FrameSink,
  type Role,
} from './protocol/frame-decoder.ts';
export { MessageAssembler, type MessageSink } from './protocol/message-assembler.ts';
export { encodeFrame, type EncodeOptions } from './protocol/frame-encoder.ts';
export { encodeClosePayload, parseClosePayload, isValidCloseCode } from './protocol/close.ts';
export {
  acceptKey,
  isToken,
  validateUpgradeRequest,
  validateUpgradeResponse,
} from './protocol/handshake.ts';
export { applyMask, applyMaskKey } from './protocol/mask.ts';
export {
  parseExtensions,
  formatExtension,
  type Extension,
  type ExtensionParam,
} from './protocol/extensions.ts';
export {
  negotiateDeflate,
  deflateOffer,
  acceptDeflateResponse,
  deflateDirections,
  type DeflateConfig,
  type DeflateParams,
  type DeflateAgreement,
} from './protocol/permessage-deflate.ts';
export { parseFrameStart } from './protocol/frame-header.ts';
