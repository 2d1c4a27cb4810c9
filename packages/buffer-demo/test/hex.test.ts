import { describe, expect, it } from 'vitest';
import { formatBytes, formatTable } from 'common';
import { hexPreview } from '../src/hex.ts';

describe('table', () => {
  it('tables with Chinese text line up (common formatTable counts CJK as two columns)', () => {
    const lines = formatTable(
      ['text', 'n'],
      [
        ['静夜思', 1],
        ['ab', 22],
      ],
    ).split('\n');
    expect(lines).toEqual(['text     n', '------  --', '静夜思   1', 'ab      22']);
  });

  it('formats bytes and hex like the book prints Buffers', () => {
    expect(formatBytes(65_536)).toBe('64 KiB');
    expect(formatBytes(1_536)).toBe('1.5 KiB');
    expect(hexPreview(Buffer.from('深'))).toBe('<Buffer e6 b7 b1>');
    expect(hexPreview(Buffer.alloc(30), 2)).toBe('<Buffer 00 00 … 28 more bytes>');
  });
});
