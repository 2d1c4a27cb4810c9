/** The `Sec-WebSocket-Extensions` grammar (RFC 6455 §9.1 with HTTP's list and quoted-string rules). */
import { describe, expect, it } from 'vitest';
import { formatExtension, parseExtensions, type Extension } from '../src/protocol/extensions.ts';

describe('parseExtensions', () => {
  const cases: [string, string | undefined, Extension[]][] = [
    ['absent', undefined, []],
    ['one name', 'permessage-deflate', [{ name: 'permessage-deflate', params: [] }]],
    [
      'parameters with and without values',
      'permessage-deflate; client_max_window_bits; server_max_window_bits=10',
      [
        {
          name: 'permessage-deflate',
          params: [
            ['client_max_window_bits', true],
            ['server_max_window_bits', '10'],
          ],
        },
      ],
    ],
    [
      'optional whitespace around every separator, empty list elements',
      ' a ;  x = 1 ,, b\t;y ,',
      [
        { name: 'a', params: [['x', '1']] },
        { name: 'b', params: [['y', true]] },
      ],
    ],
    [
      'a quoted value is unescaped',
      'a; x="10"; y="t\\ok"',
      [
        {
          name: 'a',
          params: [
            ['x', '10'],
            ['y', 'tok'],
          ],
        },
      ],
    ],
    [
      'several header lines as node:http joins them',
      'a, b; x',
      [
        { name: 'a', params: [] },
        { name: 'b', params: [['x', true]] },
      ],
    ],
    [
      'duplicates are kept (the extension decides)',
      'a; x; x',
      [
        {
          name: 'a',
          params: [
            ['x', true],
            ['x', true],
          ],
        },
      ],
    ],
  ];
  for (const [what, header, expected] of cases) {
    it(`parses ${what}`, () => {
      expect(parseExtensions(header)).toEqual(expected);
    });
  }

  for (const bad of [
    ';a',
    'a;',
    'a; =1',
    'a; x=',
    'a; x="unterminated',
    'a; x="ends in an escape\\"',
    'a; x=""',
    'a; x="not a token"',
    'a b',
    'a; x=1 2',
    'a; x==1',
    'fóo',
    'a; x=1;',
  ]) {
    it(`refuses ${JSON.stringify(bad)} with ERR_WS_BAD_EXTENSION (400)`, () => {
      expect(() => parseExtensions(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_WS_BAD_EXTENSION', statusCode: 400 }),
      );
    });
  }
});

describe('formatExtension', () => {
  it('formats what parseExtensions reads back', () => {
    const header = 'permessage-deflate; server_no_context_takeover; client_max_window_bits=9';
    const [extension] = parseExtensions(header);
    expect(formatExtension(extension!)).toBe(header);
  });
});
