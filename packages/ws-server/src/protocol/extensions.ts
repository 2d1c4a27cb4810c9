/**
 * The `Sec-WebSocket-Extensions` header (RFC 6455 §9.1): parse a list of extensions with their
 * parameters, and format one back. Pure.
 *
 * ```
 * extension-list  = 1#extension
 * extension       = extension-token *( ";" extension-param )
 * extension-param = token [ "=" (token | quoted-string) ]
 *     ; the value of a quoted-string, unescaped, MUST be a token
 * ```
 *
 * `#` is HTTP's list rule (RFC 7230 §7): elements separated by commas with optional whitespace,
 * empty elements ignored; whitespace may also surround `;` and `=`. Several header lines are one
 * list (node:http joins them with `, `).
 */
import { assertNever } from 'common/protocol';
import { HandshakeError } from '../errors.ts';
import { isToken } from './token.ts';

/** One parameter: its name and value, `true` when it has none (`client_max_window_bits`). */
export type ExtensionParam = readonly [name: string, value: string | true];

/** One element of the list: an extension name with its parameters, in header order. */
export interface Extension {
  readonly name: string;
  /** In order, duplicates kept (the extension decides whether they are allowed). */
  readonly params: readonly ExtensionParam[];
}

/** A token character (RFC 7230 §3.2.6 tchar). */
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

enum Expect {
  /** An extension name (or an empty list element). */
  ExtensionName,
  /** `;`, `,` or the end, after a name or a parameter. */
  AfterItem,
  /** A parameter name after `;`. */
  ParamName,
  /** `=`, `;`, `,` or the end, after a parameter name. */
  AfterParamName,
  /** A token or a quoted string after `=`. */
  ParamValue,
}

function malformed(header: string, at: number, what: string): HandshakeError {
  return new HandshakeError(
    'ERR_WS_BAD_EXTENSION',
    400,
    `malformed Sec-WebSocket-Extensions at offset ${at} (${what}): ${JSON.stringify(header)}`,
  );
}

/**
 * Parses a `Sec-WebSocket-Extensions` value. An absent header is an empty list.
 *
 * @throws {HandshakeError} `ERR_WS_BAD_EXTENSION` (400) when the value does not follow the
 *   grammar above: a missing name, a stray character, an unterminated quoted string, a quoted
 *   value that is not a token once unescaped.
 */
export function parseExtensions(header: string | undefined): Extension[] {
  if (header === undefined) return [];
  const list: Extension[] = [];
  let name = '';
  let params: ExtensionParam[] = [];
  let paramName = '';
  let expect = Expect.ExtensionName;
  let i = 0;
  const token = (): string => {
    const start = i;
    while (i < header.length && TCHAR.test(header[i]!)) i += 1;
    return header.slice(start, i);
  };
  const endElement = (): void => {
    list.push({ name, params });
    params = [];
  };
  while (i <= header.length) {
    // Optional whitespace around every separator.
    while (header[i] === ' ' || header[i] === '\t') i += 1;
    const c = header[i]; // undefined at the end
    switch (expect) {
      case Expect.ExtensionName:
        if (c === ',') {
          i += 1; // an empty element
        } else if (c === undefined) {
          i += 1;
        } else {
          name = token();
          if (name === '') throw malformed(header, i, 'expected an extension name');
          expect = Expect.AfterItem;
        }
        break;
      case Expect.AfterItem:
      case Expect.AfterParamName:
        if (expect === Expect.AfterParamName && c === '=') {
          i += 1;
          expect = Expect.ParamValue;
          break;
        }
        if (expect === Expect.AfterParamName) params.push([paramName, true]);
        if (c === ';') {
          i += 1;
          expect = Expect.ParamName;
        } else if (c === ',' || c === undefined) {
          i += 1;
          endElement();
          expect = Expect.ExtensionName;
        } else {
          throw malformed(header, i, `unexpected ${JSON.stringify(c)}`);
        }
        break;
      case Expect.ParamName:
        paramName = token();
        if (paramName === '') throw malformed(header, i, 'expected a parameter name');
        expect = Expect.AfterParamName;
        break;
      case Expect.ParamValue: {
        const at = i;
        const value = c === '"' ? quotedString() : token();
        if (!isToken(value)) throw malformed(header, at, 'the value must be a token');
        params.push([paramName, value]);
        expect = Expect.AfterItem;
        break;
      }
      default:
        assertNever(expect, 'extension parser state');
    }
  }
  if (expect !== Expect.ExtensionName) throw malformed(header, header.length, 'unexpected end');
  return list;

  /** A quoted-string (RFC 7230 §3.2.6) starting at `i`, unescaped. */
  function quotedString(): string {
    const start = i;
    let value = '';
    i += 1;
    for (;;) {
      const ch = header![i];
      if (ch === undefined) throw malformed(header!, start, 'unterminated quoted string');
      i += 1;
      if (ch === '"') return value;
      if (ch === '\\') {
        const escaped = header![i];
        if (escaped === undefined) throw malformed(header!, start, 'unterminated quoted string');
        value += escaped;
        i += 1;
      } else {
        value += ch;
      }
    }
  }
}

/** Formats one extension for a header: `permessage-deflate; client_max_window_bits=10`. */
export function formatExtension(extension: Extension): string {
  return [extension.name, ...extension.params.map(([k, v]) => (v === true ? k : `${k}=${v}`))].join(
    '; ',
  );
}
