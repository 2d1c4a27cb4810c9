import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { encodingsDemo, formatEncodings, legacyRoundTrip } from '../src/index.ts';

describe('encodings (§6.2)', () => {
  const r = encodingsDemo();
  const text = (enc: string) => r.textEncodings.find((e) => e.encoding === enc)!;

  it('utf8 and utf16le round-trip; latin1 and ascii lose the characters above U+00FF', () => {
    expect(text('utf8')).toMatchObject({ lossless: true, bytes: Buffer.byteLength(r.text) });
    expect(text('utf16le')).toMatchObject({ lossless: true, bytes: r.text.length * 2 });
    expect(text('ucs2').lossless).toBe(true);
    expect(text('latin1')).toMatchObject({ lossless: false, bytes: r.text.length });
    expect(text('latin1').lost).toContain('深');
    expect(text('latin1').lost).not.toContain('é');
    expect(text('ascii').lost).toContain('é');
  });

  it('base64, base64url and hex round-trip bytes', () => {
    expect(r.binaryToText.every((e) => e.lossless)).toBe(true);
    expect(r.binaryToText.find((e) => e.encoding === 'hex')!.expansion).toBe(2);
  });

  it('knows which encodings Node has', () => {
    const supported = Object.fromEntries(r.isEncoding.map((e) => [e.name, e.supported]));
    expect(supported).toMatchObject({ 'UTF-8': true, binary: true, gbk: false, big5: false });
  });

  it('round-trips GBK through iconv-lite (深 = c9 ee) and agrees with TextDecoder', () => {
    const gbk = legacyRoundTrip('gbk', '深入浅出Node.js');
    expect(gbk.hex).toBe('<Buffer c9 ee c8 eb c7 b3 b3 f6 4e 6f 64 65 2e 6a 73>');
    expect(gbk).toMatchObject({ lossless: true, nodeSupports: false });
    expect(gbk.textDecoder === null || gbk.textDecoder === gbk.text).toBe(true);
    expect(iconv.decode(iconv.encode('静夜思', 'gbk'), 'gbk')).toBe('静夜思');
  });

  it('Big5 cannot encode the simplified 浅 (lossy), but does the traditional 淺', () => {
    const row = (t: string) => r.legacy.find((e) => e.encoding === 'big5' && e.text === t)!;
    expect(row('深入浅出Node.js')).toMatchObject({
      lossless: false,
      iconvDecoded: '深入?出Node.js',
    });
    expect(row('深入淺出Node.js').lossless).toBe(true);
    expect(formatEncodings(r)).toContain('LOSSY');
  });
});
