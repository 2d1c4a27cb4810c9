/**
 * Negotiation of permessage-deflate (RFC 7692 §5, §7.1): the server picks the first offer it
 * can honour and answers with parameters the offer allowed; the client offers, then checks the
 * server's answer against its offer. Pure: what the agreement means for zlib is in
 * `../deflate/`.
 *
 * The four parameters, and who may say what:
 *
 * | parameter                    | in an offer (client)                   | in the response (server)                     |
 * | ---------------------------- | -------------------------------------- | -------------------------------------------- |
 * | `server_no_context_takeover` | asks the server not to keep its window | always allowed; required if the offer had it |
 * | `client_no_context_takeover` | a hint: the client will not keep one   | always allowed; binds the client             |
 * | `server_max_window_bits=N`   | asks for a window ≤ 2^N                | allowed; ≤ the offer's N if it had one       |
 * | `client_max_window_bits[=N]` | "you may limit my window" (≤ 2^N)      | only if offered; a value, ≤ the offer's N    |
 */
import { MAX_WINDOW_BITS, MIN_WINDOW_BITS, PERMESSAGE_DEFLATE } from '../constants.ts';
import { HandshakeError } from '../errors.ts';
import type { Role } from './frame-decoder.ts';
import type { Extension, ExtensionParam } from './extensions.ts';

/** What one side wants (the resolved `perMessageDeflate` options that concern negotiation). */
export interface DeflateConfig {
  /** Server: do not keep the compression window between messages. */
  readonly serverNoContextTakeover: boolean;
  /** Client: do not keep the compression window between messages. */
  readonly clientNoContextTakeover: boolean;
  /** log2 of the server's compression window, 8–15. */
  readonly serverMaxWindowBits: number;
  /** log2 of the client's compression window, 8–15. */
  readonly clientMaxWindowBits: number;
}

/** What both sides agreed on (absent window bits are 15, absent flags false). */
export type DeflateParams = DeflateConfig;

/** The half of an agreement one side applies to its compressor or its decompressor. */
export interface DeflateDirection {
  /** log2 of the LZ77 window, 8–15. */
  readonly windowBits: number;
  /** Reset the window after every message (no context takeover). */
  readonly noContextTakeover: boolean;
}

/** The parameters of one offer or response, read and checked. */
interface ReadParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number | undefined;
  /** `true`: offered without a value. */
  clientMaxWindowBits: number | true | undefined;
}

/** "a decimal integer value without leading zeros between 8 to 15, inclusive" (RFC 7692 §7.1.2). */
const WINDOW_BITS = /^(?:[89]|1[0-5])$/;

/**
 * Reads the parameters of an offer or a response; returns a reason string when they are
 * invalid (RFC 7692 §5: an unknown parameter, a duplicate, a bad or missing value).
 */
function readParams(
  params: readonly ExtensionParam[],
  from: 'offer' | 'response',
): ReadParams | string {
  const read: ReadParams = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: undefined,
    clientMaxWindowBits: undefined,
  };
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name)) return `duplicate parameter ${name}`;
    seen.add(name);
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return `${name} takes no value`;
        if (name === 'server_no_context_takeover') read.serverNoContextTakeover = true;
        else read.clientNoContextTakeover = true;
        break;
      case 'server_max_window_bits':
      case 'client_max_window_bits': {
        // Only an offer's client_max_window_bits may come without a value (§7.1.2.2).
        if (value === true && name === 'client_max_window_bits' && from === 'offer') {
          read.clientMaxWindowBits = true;
          break;
        }
        if (value === true || !WINDOW_BITS.test(value)) {
          return `${name} needs a value from ${MIN_WINDOW_BITS} to ${MAX_WINDOW_BITS}`;
        }
        if (name === 'server_max_window_bits') read.serverMaxWindowBits = Number(value);
        else read.clientMaxWindowBits = Number(value);
        break;
      }
      default:
        return `unknown parameter ${name}`;
    }
  }
  return read;
}

/** The response's parameters for an agreement, omitting what is implied. */
function responseParams(p: DeflateParams, clientOffered: boolean): ExtensionParam[] {
  const out: ExtensionParam[] = [];
  if (p.serverNoContextTakeover) out.push(['server_no_context_takeover', true]);
  if (p.clientNoContextTakeover) out.push(['client_no_context_takeover', true]);
  if (p.serverMaxWindowBits < MAX_WINDOW_BITS)
    out.push(['server_max_window_bits', String(p.serverMaxWindowBits)]);
  if (clientOffered && p.clientMaxWindowBits < MAX_WINDOW_BITS)
    out.push(['client_max_window_bits', String(p.clientMaxWindowBits)]);
  return out;
}

/** The outcome of {@link negotiateDeflate} when an offer was accepted. */
export interface DeflateAgreement {
  params: DeflateParams;
  /** The element for the response's `Sec-WebSocket-Extensions`. */
  response: Extension;
}

/**
 * Server side (RFC 7692 §5, §7.1): accepts the first permessage-deflate offer it can honour.
 * Invalid offers are declined, never "repaired"; an offer without `client_max_window_bits` is
 * declined when `config.clientMaxWindowBits` < 15 (the server could not bound the client's
 * window). Offers of other extensions are ignored. Returns undefined when no offer was
 * accepted (the connection is then uncompressed), with the reason of each declined offer.
 */
export function negotiateDeflate(
  offers: readonly Extension[],
  config: DeflateConfig,
): DeflateAgreement | { declined: string[] } {
  const declined: string[] = [];
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const read = readParams(offer.params, 'offer');
    if (typeof read === 'string') {
      declined.push(read);
      continue;
    }
    const offeredClientBits = read.clientMaxWindowBits;
    if (offeredClientBits === undefined && config.clientMaxWindowBits < MAX_WINDOW_BITS) {
      declined.push('no client_max_window_bits: cannot bound the client window');
      continue;
    }
    const params: DeflateParams = {
      // Not keeping a window is always possible; a client's hint is made binding.
      serverNoContextTakeover: read.serverNoContextTakeover || config.serverNoContextTakeover,
      clientNoContextTakeover: read.clientNoContextTakeover || config.clientNoContextTakeover,
      // A smaller window than asked for is always possible (8 included, see deflate/).
      serverMaxWindowBits: Math.min(
        read.serverMaxWindowBits ?? MAX_WINDOW_BITS,
        config.serverMaxWindowBits,
      ),
      clientMaxWindowBits: Math.min(
        offeredClientBits === true || offeredClientBits === undefined
          ? MAX_WINDOW_BITS
          : offeredClientBits,
        config.clientMaxWindowBits,
      ),
    };
    return {
      params,
      response: {
        name: PERMESSAGE_DEFLATE,
        params: responseParams(params, offeredClientBits !== undefined),
      },
    };
  }
  return { declined };
}

/**
 * Client side: the offer for `config` (RFC 7692 §7.1). `client_max_window_bits` is always
 * offered (the client accepts a limit on its window), with a value when the client itself uses
 * a smaller window; `server_max_window_bits` only to ask for a smaller one than 15.
 */
export function deflateOffer(config: DeflateConfig): Extension {
  const params: ExtensionParam[] = [];
  if (config.serverNoContextTakeover) params.push(['server_no_context_takeover', true]);
  if (config.clientNoContextTakeover) params.push(['client_no_context_takeover', true]);
  if (config.serverMaxWindowBits < MAX_WINDOW_BITS)
    params.push(['server_max_window_bits', String(config.serverMaxWindowBits)]);
  params.push([
    'client_max_window_bits',
    config.clientMaxWindowBits < MAX_WINDOW_BITS ? String(config.clientMaxWindowBits) : true,
  ]);
  return { name: PERMESSAGE_DEFLATE, params };
}

function badResponse(message: string): HandshakeError {
  return new HandshakeError('ERR_WS_BAD_EXTENSION', 101, message);
}

/**
 * Client side: checks the server's `Sec-WebSocket-Extensions` against the offer made for
 * `config` (RFC 7692 §5, §7.1; RFC 6455 §4.1) and returns the agreement, or undefined when
 * the server declined (no header).
 *
 * @throws {HandshakeError} `ERR_WS_BAD_EXTENSION` (statusCode 101): an extension that was not
 *   offered, more than one element, an unknown, duplicate or invalid parameter, a
 *   `client_max_window_bits` larger than offered, a `server_max_window_bits` missing or larger
 *   than asked for, no `server_no_context_takeover` when the offer asked for it.
 */
export function acceptDeflateResponse(
  extensions: readonly Extension[],
  config: DeflateConfig,
): DeflateParams | undefined {
  if (extensions.length === 0) return undefined;
  const [response] = extensions;
  if (extensions.length > 1 || response!.name !== PERMESSAGE_DEFLATE) {
    throw badResponse(
      `server selected ${extensions.map((e) => e.name).join(', ')}; only ${PERMESSAGE_DEFLATE} was offered, once`,
    );
  }
  const read = readParams(response!.params, 'response');
  if (typeof read === 'string') throw badResponse(`${PERMESSAGE_DEFLATE}: ${read}`);
  const offer = deflateOffer(config);
  const asked = (name: string): boolean => offer.params.some(([k]) => k === name);
  if (config.serverNoContextTakeover && !read.serverNoContextTakeover) {
    throw badResponse('server_no_context_takeover was requested but not accepted');
  }
  if (asked('server_max_window_bits')) {
    if (
      read.serverMaxWindowBits === undefined ||
      read.serverMaxWindowBits > config.serverMaxWindowBits
    ) {
      throw badResponse(
        `server_max_window_bits must be at most ${config.serverMaxWindowBits} as requested`,
      );
    }
  }
  const clientBits = read.clientMaxWindowBits as number | undefined; // a response always has a value
  if (clientBits !== undefined && clientBits > config.clientMaxWindowBits) {
    throw badResponse(
      `client_max_window_bits=${clientBits} exceeds the ${config.clientMaxWindowBits} offered`,
    );
  }
  return {
    serverNoContextTakeover: read.serverNoContextTakeover,
    clientNoContextTakeover: read.clientNoContextTakeover || config.clientNoContextTakeover,
    serverMaxWindowBits: read.serverMaxWindowBits ?? MAX_WINDOW_BITS,
    clientMaxWindowBits: clientBits ?? config.clientMaxWindowBits,
  };
}

/**
 * The halves of an agreement one side applies: a server compresses with the `server_*`
 * parameters and inflates what the client compressed with the `client_*` ones; a client the
 * reverse.
 */
export function deflateDirections(
  params: DeflateParams,
  role: Role,
): { compress: DeflateDirection; decompress: DeflateDirection } {
  const server = {
    windowBits: params.serverMaxWindowBits,
    noContextTakeover: params.serverNoContextTakeover,
  };
  const client = {
    windowBits: params.clientMaxWindowBits,
    noContextTakeover: params.clientNoContextTakeover,
  };
  return role === 'server'
    ? { compress: server, decompress: client }
    : { compress: client, decompress: server };
}
