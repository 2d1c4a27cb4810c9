import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatNumber, formatTable } from '../src/index.ts';

describe('formatTable', () => {
  it('pads by terminal columns (CJK is two wide) and right-aligns numeric columns', () => {
    expect(
      formatTable(
        ['text', 'bytes'],
        [
          ['床前明月光', 15],
          ['moon', 4],
        ],
      ),
    ).toBe(
      ['text        bytes', '----------  -----', '床前明月光     15', 'moon            4'].join(
        '\n',
      ),
    );
  });

  it('takes an explicit alignment and missing cells', () => {
    expect(formatTable([{ header: 'n', align: 'right' }, 'x'], [['1'], ['22', 'y']])).toBe(
      [' n  x', '--  -', ' 1', '22  y'].join('\n'),
    );
  });
});

describe('format', () => {
  it('bytes, numbers and milliseconds', () => {
    expect([
      formatBytes(512),
      formatBytes(1536),
      formatBytes(64 * 1024 ** 2),
      formatBytes(-2048),
    ]).toEqual(['512 B', '1.5 KiB', '64 MiB', '-2 KiB']);
    expect([formatNumber(1234.5), formatNumber(12.345), formatNumber(0.12345)]).toEqual([
      '1,235',
      '12.3',
      '0.123',
    ]);
    expect([formatMs(0.421), formatMs(12.34), formatMs(1234.4)]).toEqual([
      '0.42 ms',
      '12.3 ms',
      '1,234 ms',
    ]);
  });
});
