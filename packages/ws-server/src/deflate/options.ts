/**
 * The `perMessageDeflate` option of `createWsServer` and `connect`: `true` for the defaults, an
 * object to change them, `false`/absent for none (the default: see the README for why).
 */
import { InvalidArgumentError, resolveLimits, validateBoolean, type LimitOptions } from 'common';
import { DEFLATE_LIMITS } from '../limits.ts';
import type { DeflateConfig } from '../protocol/permessage-deflate.ts';

/** permessage-deflate settings (RFC 7692 §7.1); every field optional. */
export interface PerMessageDeflateOptions extends LimitOptions<typeof DEFLATE_LIMITS> {
  /**
   * The server starts every message it sends from an empty window. Default true: no
   * compression context is kept per connection between messages (its zlib stream goes back to
   * a shared pool); false keeps one per connection (better ratios on similar messages, about
   * 300 KiB per connection that has sent a compressed message, at the default window and
   * memLevel). A client offer asking for it is always honoured.
   */
  serverNoContextTakeover?: boolean;
  /** The same for what the client sends (the server inflates it). Default true. */
  clientNoContextTakeover?: boolean;
  /** Messages under this many bytes are sent uncompressed. Default 1024. */
  threshold?: number | undefined;
  /** log2 of the server's compression window, 8–15. Default 15. */
  serverMaxWindowBits?: number | undefined;
  /** log2 of the client's compression window, 8–15. Default 15. */
  clientMaxWindowBits?: number | undefined;
  /** zlib compression level 0–9. Default 6. */
  level?: number | undefined;
  /** zlib memLevel 1–9. Default 8. */
  memLevel?: number | undefined;
  /**
   * Client only: fail the connection with close 1010 (RFC 6455 §7.4.1, "mandatory extension")
   * when the server does not accept the offer. Default false (continue uncompressed).
   */
  required?: boolean;
}

/** Resolved settings: negotiation ({@link DeflateConfig}) plus what only this side uses. */
export interface DeflateSettings extends DeflateConfig {
  readonly threshold: number;
  readonly level: number;
  readonly memLevel: number;
  readonly required: boolean;
}

/** A boolean field of `perMessageDeflate`, or `fallback` when absent. */
function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  return value === undefined ? fallback : validateBoolean(value, `perMessageDeflate.${name}`);
}

/**
 * Resolves `perMessageDeflate`; undefined when off.
 *
 * @throws {InvalidArgumentError} (common) `ERR_INVALID_ARG_TYPE` for a value that is not a
 *   boolean or an object, or a field of the wrong type; `ERR_OUT_OF_RANGE` for a number outside
 *   `DEFLATE_LIMITS` (the message names the field).
 */
export function resolveDeflateOptions(
  option: boolean | PerMessageDeflateOptions | undefined,
): DeflateSettings | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || option === null)) {
    throw new InvalidArgumentError(
      'ERR_INVALID_ARG_TYPE',
      `The "perMessageDeflate" option must be a boolean or an object. Received ${typeof option}`,
    );
  }
  const given = option === true ? {} : option;
  return {
    ...resolveLimits(DEFLATE_LIMITS, given, { prefix: 'perMessageDeflate.' }),
    serverNoContextTakeover: booleanOption(
      given.serverNoContextTakeover,
      'serverNoContextTakeover',
      true,
    ),
    clientNoContextTakeover: booleanOption(
      given.clientNoContextTakeover,
      'clientNoContextTakeover',
      true,
    ),
    required: booleanOption(given.required, 'required', false),
  };
}
