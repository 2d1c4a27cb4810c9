export {
  createUdpServer,
  UdpServer,
  MODES,
  SOCKET_TYPES,
  type UdpMode,
  type UdpServerOptions,
  type ResolvedUdpServerOptions,
  type UdpCounters,
} from './server.ts';
export {
  sendOnce,
  measure,
  type Target,
  type SendOnceOptions,
  type EchoReply,
  type MeasureOptions,
  type MeasureProgress,
  type MeasurementResult,
} from './client.ts';
export {
  RateLimiter,
  type RateLimiterOptions,
  type RateLimiterStats,
} from './protocol/rate-limiter.ts';
export { encodeProbe, decodeProbe, type Probe, type ProbeExpectations } from './protocol/probe.ts';
export {
  EchoStats,
  Arrival,
  summarize,
  type EchoStatsOptions,
  type EchoStatsReport,
  type RttSummary,
} from './protocol/echo-stats.ts';
export { ProbeError, NoReplyError, type ProbeErrorCode, type NoReplyCode } from './errors.ts';
export { LIMITS, CLIENT_LIMITS } from './limits.ts';
export { formatReply, formatResult } from './report.ts';
export * as constants from './constants.ts';
