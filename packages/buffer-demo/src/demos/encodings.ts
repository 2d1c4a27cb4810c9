/**
 * Demo `encodings` (§6.2 Buffer的转换): each encoding Node's Buffer knows, round-tripped on a
 * mixed string (lossy ones marked); the binary-to-text encodings (base64, base64url, hex)
 * round-tripped on bytes, which is what they are for; `Buffer.isEncoding`; and §6.2.3 不支持的编码
 * 类型: GBK, GB2312 and Big5 both ways with iconv-lite, checked against the WHATWG
 * `TextDecoder` of the running Node (present when Node has full ICU).
 */
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';
import {
  CHINESE_SIMPLIFIED,
  CHINESE_TRADITIONAL,
  LEGACY_ENCODINGS,
  MIXED_TEXT,
  type LegacyEncoding,
} from '../constants.ts';
import { formatTable } from 'common';
import { hexPreview } from '../hex.ts';

/** The text encodings Node's Buffer supports (string ⇄ bytes). */
export const TEXT_ENCODINGS = ['utf8', 'utf16le', 'ucs2', 'latin1', 'binary', 'ascii'] as const;
/** The binary-to-text encodings (bytes ⇄ string of safe characters). */
export const BINARY_TO_TEXT = ['base64', 'base64url', 'hex'] as const;

/** One text encoding: `Buffer.from(text, enc).toString(enc)` compared with `text`. */
export interface TextRoundTrip {
  encoding: string;
  bytes: number;
  hex: string;
  decoded: string;
  lossless: boolean;
  /** The characters that did not survive (empty when lossless). */
  lost: string;
}

/** One binary-to-text encoding: bytes → `toString(enc)` → `Buffer.from(s, enc)`. */
export interface BinaryRoundTrip {
  encoding: string;
  encoded: string;
  /** Characters of text per byte of input. */
  expansion: number;
  lossless: boolean;
}

/** One legacy encoding and text, via iconv-lite and (where available) `TextDecoder`. */
export interface LegacyRoundTrip {
  encoding: LegacyEncoding;
  text: string;
  hex: string;
  /** `Buffer.isEncoding(encoding)`: false, Node has none of these. */
  nodeSupports: boolean;
  iconvDecoded: string;
  lossless: boolean;
  /** `new TextDecoder(encoding).decode(bytes)`, or `null` when this Node's ICU lacks it. */
  textDecoder: string | null;
}

/** What {@link encodingsDemo} returns. */
export interface EncodingsResult {
  text: string;
  textEncodings: TextRoundTrip[];
  binaryToText: BinaryRoundTrip[];
  isEncoding: { name: string; supported: boolean }[];
  legacy: LegacyRoundTrip[];
}

const IS_ENCODING_PROBES = [
  'utf8',
  'UTF-8',
  'utf-16le',
  'ucs-2',
  'binary',
  'latin1',
  'base64url',
  'gbk',
  'gb2312',
  'big5',
  'utf-16be',
] as const;

/** Runs the demo (pure computation, no I/O). */
export function encodingsDemo(text: string = MIXED_TEXT): EncodingsResult {
  const bytes = Buffer.from(text, 'utf8');
  return {
    text,
    textEncodings: TEXT_ENCODINGS.map((encoding) => {
      const encoded = Buffer.from(text, encoding);
      const decoded = encoded.toString(encoding);
      return {
        encoding,
        bytes: encoded.length,
        hex: hexPreview(encoded, 12),
        decoded,
        lossless: decoded === text,
        lost: lostCharacters(text, decoded),
      };
    }),
    binaryToText: BINARY_TO_TEXT.map((encoding) => {
      const encoded = bytes.toString(encoding);
      return {
        encoding,
        encoded,
        expansion: encoded.length / bytes.length,
        lossless: Buffer.from(encoded, encoding).equals(bytes),
      };
    }),
    isEncoding: IS_ENCODING_PROBES.map((name) => ({ name, supported: Buffer.isEncoding(name) })),
    legacy: LEGACY_ENCODINGS.flatMap((encoding) =>
      [CHINESE_SIMPLIFIED, CHINESE_TRADITIONAL].map((t) => legacyRoundTrip(encoding, t)),
    ),
  };
}

/** `text` encoded with iconv-lite, decoded back with iconv-lite and with `TextDecoder`. */
export function legacyRoundTrip(encoding: LegacyEncoding, text: string): LegacyRoundTrip {
  const encoded = iconv.encode(text, encoding);
  const iconvDecoded = iconv.decode(encoded, encoding);
  return {
    encoding,
    text,
    hex: hexPreview(encoded, 16),
    nodeSupports: Buffer.isEncoding(encoding),
    iconvDecoded,
    lossless: iconvDecoded === text,
    textDecoder: textDecoderDecode(encoding, encoded),
  };
}

/** WHATWG `TextDecoder` for `label`, or `null` when Node was built without the ICU data for it. */
export function textDecoderDecode(label: string, bytes: Uint8Array): string | null {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_ENCODING_NOT_SUPPORTED') return null;
    throw err;
  }
  return decoder.decode(bytes);
}

/** The characters of `original` that are not at the same place in `decoded`. */
function lostCharacters(original: string, decoded: string): string {
  const a = [...original];
  const b = [...decoded];
  const lost = new Set<string>();
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) lost.add(a[i]!);
  return [...lost].join('');
}

/** The demo's text output. */
export function formatEncodings(r: EncodingsResult): string {
  return [
    `§6.2 Buffer的转换: '${r.text}' (${[...r.text].length} characters, ${r.text.length} UTF-16 code units)`,
    '',
    'Text encodings: Buffer.from(text, enc).toString(enc)',
    formatTable(
      ['encoding', 'bytes', 'first bytes', 'decoded', 'round trip'],
      r.textEncodings.map((e) => [
        e.encoding,
        e.bytes,
        e.hex,
        e.decoded,
        e.lossless ? 'lossless' : `LOSSY (${e.lost})`,
      ]),
    ),
    '',
    'Binary-to-text encodings: utf8 bytes → buf.toString(enc) → Buffer.from(s, enc)',
    formatTable(
      ['encoding', 'text', 'chars/byte', 'round trip'],
      r.binaryToText.map((e) => [
        e.encoding,
        e.encoded.length > 48 ? `${e.encoded.slice(0, 45)}…` : e.encoded,
        e.expansion,
        e.lossless ? 'lossless' : 'LOSSY',
      ]),
    ),
    '',
    `Buffer.isEncoding: ${r.isEncoding.map((e) => `${e.name} ${e.supported ? '✓' : '✗'}`).join(', ')}`,
    '',
    '§6.2.3 不支持的编码类型: iconv-lite both ways, TextDecoder (WHATWG, ICU) to decode',
    formatTable(
      ['encoding', 'text', 'iconv.encode', 'iconv.decode', 'TextDecoder'],
      r.legacy.map((e) => [
        e.encoding,
        e.text,
        e.hex,
        e.lossless ? 'lossless' : `LOSSY: ${e.iconvDecoded}`,
        e.textDecoder === null
          ? 'not in this ICU'
          : e.textDecoder === e.iconvDecoded
            ? 'same'
            : e.textDecoder,
      ]),
    ),
  ].join('\n');
}
