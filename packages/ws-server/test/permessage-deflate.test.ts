/**
 * Negotiation of permessage-deflate (RFC 7692 §5, §7.1): the server's choice among offers, the
 * client's check of the response, and a property: whatever a client offers and however a
 * server is configured, both sides agree on what each compressor may do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatExtension, parseExtensions } from '../src/protocol/extensions.ts';
import {
  acceptDeflateResponse,
  deflateDirections,
  deflateOffer,
  negotiateDeflate,
  type DeflateConfig,
} from '../src/protocol/permessage-deflate.ts';

/** The default configuration (no context takeover either way, 32 KiB windows). */
const DEFAULTS: DeflateConfig = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};
/** `ws`'s defaults: context takeover both ways. */
const TAKEOVER: DeflateConfig = {
  ...DEFAULTS,
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
};

/** The response header the server sends for `offers`, or undefined when it declines them all. */
function respond(offers: string, config: DeflateConfig = TAKEOVER): string | undefined {
  const result = negotiateDeflate(parseExtensions(offers), config);
  return 'response' in result ? formatExtension(result.response) : undefined;
}

describe('server: choosing an offer', () => {
  const accepted: [string, DeflateConfig, string][] = [
    ['permessage-deflate', TAKEOVER, 'permessage-deflate'],
    [
      'permessage-deflate',
      DEFAULTS,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    ],
    // What Chromium offers.
    ['permessage-deflate; client_max_window_bits', TAKEOVER, 'permessage-deflate'],
    [
      'permessage-deflate; client_max_window_bits=10',
      TAKEOVER,
      'permessage-deflate; client_max_window_bits=10',
    ],
    [
      'permessage-deflate; server_max_window_bits=10',
      TAKEOVER,
      'permessage-deflate; server_max_window_bits=10',
    ],
    [
      'permessage-deflate; server_max_window_bits=8',
      TAKEOVER,
      'permessage-deflate; server_max_window_bits=8',
    ],
    [
      'permessage-deflate; client_max_window_bits=8',
      TAKEOVER,
      'permessage-deflate; client_max_window_bits=8',
    ],
    [
      'permessage-deflate; server_max_window_bits="9"',
      TAKEOVER,
      'permessage-deflate; server_max_window_bits=9',
    ],
    [
      'permessage-deflate; server_no_context_takeover',
      TAKEOVER,
      'permessage-deflate; server_no_context_takeover',
    ],
    [
      'permessage-deflate; client_no_context_takeover',
      TAKEOVER,
      'permessage-deflate; client_no_context_takeover',
    ],
    ['permessage-deflate; server_max_window_bits=15', TAKEOVER, 'permessage-deflate'],
    // The server's own limits: a smaller window than offered, the client's bounded when allowed.
    [
      'permessage-deflate',
      { ...TAKEOVER, serverMaxWindowBits: 10 },
      'permessage-deflate; server_max_window_bits=10',
    ],
    [
      'permessage-deflate; server_max_window_bits=12',
      { ...TAKEOVER, serverMaxWindowBits: 10 },
      'permessage-deflate; server_max_window_bits=10',
    ],
    [
      'permessage-deflate; server_max_window_bits=9',
      { ...TAKEOVER, serverMaxWindowBits: 10 },
      'permessage-deflate; server_max_window_bits=9',
    ],
    [
      'permessage-deflate; client_max_window_bits',
      { ...TAKEOVER, clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=10',
    ],
    [
      'permessage-deflate; client_max_window_bits=12',
      { ...TAKEOVER, clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=10',
    ],
    [
      'permessage-deflate; client_max_window_bits=9',
      { ...TAKEOVER, clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=9',
    ],
    // Several offers: the first one it can honour, other extensions ignored.
    [
      'x-webkit-deflate-frame, permessage-deflate; client_max_window_bits=11',
      TAKEOVER,
      'permessage-deflate; client_max_window_bits=11',
    ],
    [
      'permessage-deflate; foo, permessage-deflate; server_max_window_bits=11',
      TAKEOVER,
      'permessage-deflate; server_max_window_bits=11',
    ],
    [
      'permessage-deflate; server_max_window_bits=10, permessage-deflate',
      TAKEOVER,
      'permessage-deflate; server_max_window_bits=10',
    ],
    [
      'permessage-deflate, permessage-deflate; client_max_window_bits',
      { ...TAKEOVER, clientMaxWindowBits: 9 },
      'permessage-deflate; client_max_window_bits=9',
    ],
  ];
  for (const [offers, config, response] of accepted) {
    const name =
      config === TAKEOVER ? 'takeover' : config === DEFAULTS ? 'defaults' : JSON.stringify(config);
    it(`${offers} (${name}) → ${response}`, () => {
      expect(respond(offers, config)).toBe(response);
    });
  }

  const declined: [string, string][] = [
    ['permessage-deflate; foo', 'unknown parameter foo'],
    [
      'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
      'duplicate parameter server_no_context_takeover',
    ],
    [
      'permessage-deflate; client_max_window_bits; client_max_window_bits=10',
      'duplicate parameter client_max_window_bits',
    ],
    [
      'permessage-deflate; server_no_context_takeover=1',
      'server_no_context_takeover takes no value',
    ],
    [
      'permessage-deflate; client_no_context_takeover="x"',
      'client_no_context_takeover takes no value',
    ],
    [
      'permessage-deflate; server_max_window_bits',
      'server_max_window_bits needs a value from 8 to 15',
    ],
    [
      'permessage-deflate; server_max_window_bits=7',
      'server_max_window_bits needs a value from 8 to 15',
    ],
    [
      'permessage-deflate; server_max_window_bits=16',
      'server_max_window_bits needs a value from 8 to 15',
    ],
    [
      'permessage-deflate; server_max_window_bits=010',
      'server_max_window_bits needs a value from 8 to 15',
    ],
    [
      'permessage-deflate; server_max_window_bits=0x9',
      'server_max_window_bits needs a value from 8 to 15',
    ],
    [
      'permessage-deflate; client_max_window_bits=16',
      'client_max_window_bits needs a value from 8 to 15',
    ],
    [
      'permessage-deflate; client_max_window_bits="7"',
      'client_max_window_bits needs a value from 8 to 15',
    ],
  ];
  for (const [offer, reason] of declined) {
    it(`declines ${offer} (${reason})`, () => {
      expect(negotiateDeflate(parseExtensions(offer), TAKEOVER)).toEqual({ declined: [reason] });
    });
  }

  it('declines an offer without client_max_window_bits when it must bound the client window', () => {
    expect(
      negotiateDeflate(parseExtensions('permessage-deflate'), {
        ...TAKEOVER,
        clientMaxWindowBits: 12,
      }),
    ).toEqual({
      declined: ['no client_max_window_bits: cannot bound the client window'],
    });
  });

  it('accepts nothing when no offer is permessage-deflate', () => {
    expect(
      negotiateDeflate(parseExtensions('x-webkit-deflate-frame; no_context_takeover'), TAKEOVER),
    ).toEqual({
      declined: [],
    });
  });
});

describe('client: the offer and the response', () => {
  it('offers client_max_window_bits always, the rest as configured', () => {
    expect(formatExtension(deflateOffer(TAKEOVER))).toBe(
      'permessage-deflate; client_max_window_bits',
    );
    expect(formatExtension(deflateOffer(DEFAULTS))).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits',
    );
    expect(
      formatExtension(
        deflateOffer({ ...TAKEOVER, serverMaxWindowBits: 9, clientMaxWindowBits: 8 }),
      ),
    ).toBe('permessage-deflate; server_max_window_bits=9; client_max_window_bits=8');
  });

  const accept = (response: string, config: DeflateConfig = TAKEOVER) =>
    acceptDeflateResponse(parseExtensions(response), config);

  it('returns undefined when the server declined (no header)', () => {
    expect(acceptDeflateResponse([], DEFAULTS)).toBeUndefined();
  });

  it('takes what the response says, with 15 and context takeover for what it leaves out', () => {
    expect(accept('permessage-deflate')).toEqual(TAKEOVER);
    expect(
      accept(
        'permessage-deflate; server_no_context_takeover; client_max_window_bits=9; server_max_window_bits=10',
      ),
    ).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 9,
    });
    expect(
      accept('permessage-deflate; server_max_window_bits=8', {
        ...TAKEOVER,
        serverMaxWindowBits: 9,
      }),
    ).toMatchObject({
      serverMaxWindowBits: 8,
    });
  });

  const refused: [string, DeflateConfig, string][] = [
    ['x-foo', TAKEOVER, 'server selected x-foo'],
    [
      'permessage-deflate, permessage-deflate',
      TAKEOVER,
      'only permessage-deflate was offered, once',
    ],
    ['permessage-deflate; foo', TAKEOVER, 'unknown parameter foo'],
    [
      'permessage-deflate; client_max_window_bits',
      TAKEOVER,
      'client_max_window_bits needs a value',
    ],
    [
      'permessage-deflate; server_max_window_bits=9; server_max_window_bits=9',
      TAKEOVER,
      'duplicate',
    ],
    [
      'permessage-deflate; client_max_window_bits=12',
      { ...TAKEOVER, clientMaxWindowBits: 10 },
      'exceeds the 10 offered',
    ],
    [
      'permessage-deflate',
      { ...TAKEOVER, serverMaxWindowBits: 10 },
      'server_max_window_bits must be at most 10',
    ],
    [
      'permessage-deflate; server_max_window_bits=11',
      { ...TAKEOVER, serverMaxWindowBits: 10 },
      'server_max_window_bits must be at most 10',
    ],
    [
      'permessage-deflate; client_no_context_takeover',
      DEFAULTS,
      'server_no_context_takeover was requested but not accepted',
    ],
  ];
  for (const [response, config, message] of refused) {
    it(`fails on ${response} (${message})`, () => {
      expect(() => accept(response, config)).toThrow(
        expect.objectContaining({
          code: 'ERR_WS_BAD_EXTENSION',
          statusCode: 101,
          message: expect.stringContaining(message),
        }),
      );
    });
  }
});

describe('client offer → server choice → client check', () => {
  const config = fc.record({
    serverNoContextTakeover: fc.boolean(),
    clientNoContextTakeover: fc.boolean(),
    serverMaxWindowBits: fc.integer({ min: 8, max: 15 }),
    clientMaxWindowBits: fc.integer({ min: 8, max: 15 }),
  });

  it('always agrees, and each decompressor can inflate what the other side compresses', () => {
    fc.assert(
      fc.property(config, config, (clientConfig, serverConfig) => {
        const offer = formatExtension(deflateOffer(clientConfig));
        const result = negotiateDeflate(parseExtensions(offer), serverConfig);
        if (!('response' in result))
          throw new Error(`declined ${offer}: ${result.declined.join()}`);
        const header = formatExtension(result.response);
        const clientParams = acceptDeflateResponse(parseExtensions(header), clientConfig)!;
        const server = deflateDirections(result.params, 'server');
        const client = deflateDirections(clientParams, 'client');
        for (const [compress, decompress] of [
          [server.compress, client.decompress],
          [client.compress, server.decompress],
        ] as const) {
          // An inflater's window must hold at least the compressor's; a compressor that keeps
          // its window needs an inflater that keeps its own.
          expect(decompress.windowBits).toBeGreaterThanOrEqual(compress.windowBits);
          if (decompress.noContextTakeover) expect(compress.noContextTakeover).toBe(true);
        }
        // What each side asked for is honoured.
        expect(server.compress.windowBits).toBeLessThanOrEqual(
          Math.min(clientConfig.serverMaxWindowBits, serverConfig.serverMaxWindowBits),
        );
        expect(client.compress.windowBits).toBeLessThanOrEqual(
          Math.min(clientConfig.clientMaxWindowBits, serverConfig.clientMaxWindowBits),
        );
        if (clientConfig.serverNoContextTakeover)
          expect(server.compress.noContextTakeover).toBe(true);
      }),
    );
  });
});
