import { describe, expect, it } from 'vitest';
import { displayWidth, formatBytes, formatTable, hexPreview } from '../src/table.ts';

describe('table', () => {
  it('counts CJK and emoji as two columns, so tables with Chinese text line up', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('深入浅出')).toBe(8);
    expect(displayWidth('，😀')).toBe(4);
    const lines = formatTable(
      ['text', 'n'],
      [
        ['静夜思', 1],
        ['ab', 22],
      ],
    ).split('\n');
    expect(lines.map(displayWidth)).toEqual([10, 10, 10, 10]);
    expect(lines[3]).toBe('ab      22');
  });

  it('formats bytes and hex like the book prints Buffers', () => {
    expect(formatBytes(65_536)).toBe('64 KiB');
    expect(formatBytes(1_536)).toBe('1.5 KiB');
    expect(hexPreview(Buffer.from('深'))).toBe('<Buffer e6 b7 b1>');
    expect(hexPreview(Buffer.alloc(30), 2)).toBe('<Buffer 00 00 … 28 more bytes>');
  });
});
