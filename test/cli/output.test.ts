import { formatAge, formatTable, iso } from '../../cli/output';

describe('formatAge', () => {
  test.each([
    [undefined, '-'],
    [0, '0s'],
    [42_000, '42s'],
    [3 * 60_000 + 5_000, '3m5s'],
    [5 * 3600_000 + 12 * 60_000 + 9_000, '5h12m'],
    [3 * 86400_000 + 4 * 3600_000, '3d4h'],
    [3 * 86400_000 + 59_000, '3d'],
    [10 * 3600_000, '10h'],
  ])('%s ms -> %s', (ms, text) => expect(formatAge(ms)).toBe(text));
});

describe('formatTable', () => {
  test('pads columns to the widest cell and trims line ends', () => {
    expect(
      formatTable(
        ['A', 'LONG HEADER'],
        [
          ['wide cell', 'x'],
          ['y', ''],
        ]
      )
    ).toBe('A          LONG HEADER\nwide cell  x\ny');
  });
});

test('iso drops milliseconds, and prints - for no date', () => {
  expect(iso(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05Z');
  expect(iso(undefined)).toBe('-');
});
