import { describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.ts';
import { encodeFrame, headerLength } from '../src/protocol/frame-encoder.ts';
import { applyMask } from '../src/protocol/mask.ts';

describe('encodeFrame', () => {
  it('encodes the book\'s "hello world!" client frame: FIN, text, MASK, 7-bit length 12', () => {
    const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
    const [frame] = encodeFrame(Opcode.Text, 'hello world!', { mask: true, maskingKey: key });
    expect(frame!.subarray(0, 2).toString('hex')).toBe('818c'); // 1000 0001 | 1 0001100 (12, the 96 bits are 12 bytes)
    expect(frame!.subarray(2, 6)).toEqual(key);
    const payload = Buffer.from(frame!.subarray(6));
    applyMask(payload, key);
    expect(payload.toString()).toBe('hello world!');
  });

  it('encodes an unmasked server frame like RFC 6455 §5.7 ("Hello")', () => {
    expect(Buffer.concat(encodeFrame(Opcode.Text, 'Hello')).toString('hex')).toBe('810548656c6c6f');
  });

  const boundaries: [number, string][] = [
    [0, '8200'],
    [125, '827d'],
    [126, '827e007e'],
    [127, '827e007f'],
    [65535, '827effff'],
    [65536, '827f0000000000010000'],
  ];
  for (const [length, header] of boundaries) {
    it(`uses the ${header.length / 2}-byte header for ${length} bytes`, () => {
      const payload = Buffer.alloc(length, 1);
      const bytes = Buffer.concat(encodeFrame(Opcode.Binary, payload));
      expect(bytes.subarray(0, header.length / 2).toString('hex')).toBe(header);
      expect(bytes.length).toBe(header.length / 2 + length);
      expect(headerLength(length, false)).toBe(header.length / 2);
    });
  }

  it('returns [header, payload] without copying a large unmasked payload', () => {
    const payload = Buffer.alloc(100_000);
    const parts = encodeFrame(Opcode.Binary, payload);
    expect(parts).toHaveLength(2);
    expect(parts[1]).toBe(payload);
  });

  it("masks client frames with a fresh key each time and never modifies the caller's buffer", () => {
    const payload = Buffer.from('same payload');
    const a = encodeFrame(Opcode.Binary, payload, { mask: true })[0]!;
    const b = encodeFrame(Opcode.Binary, payload, { mask: true })[0]!;
    expect(a[1]! & 0x80).toBe(0x80);
    expect(a.subarray(2, 6).equals(b.subarray(2, 6))).toBe(false);
    expect(payload.toString()).toBe('same payload');
  });

  it('sets FIN=0 for a fragment and the RSV bits when asked (for decoder tests)', () => {
    expect(encodeFrame(Opcode.Text, 'a', { fin: false })[0]![0]).toBe(0x01);
    expect(encodeFrame(Opcode.Text, 'a', { rsv: 0b100 })[0]![0]).toBe(0xc1);
  });
});

describe('applyMask', () => {
  it('matches the byte-wise definition for every length and alignment (word loop and ends)', () => {
    const key = Buffer.from([0xa1, 0xb2, 0xc3, 0xd4]);
    const backing = Buffer.alloc(200);
    for (let i = 0; i < backing.length; i += 1) backing[i] = (i * 31) & 0xff;
    for (let offset = 0; offset < 4; offset += 1) {
      for (let length = 0; length < 100; length += 1) {
        const buf = Buffer.from(backing).subarray(offset, offset + length);
        const expected = Buffer.from(buf.map((b, i) => b ^ key[i % 4]!));
        applyMask(buf, key);
        expect(buf.equals(expected)).toBe(true);
      }
    }
  });
});
