import { BASE62_ALPHABET, crc32, toBase62 } from '../../../lambdas/rotation/checksum';

describe('crc32', () => {
  test('matches the standard check values', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
  });

  test('hashes the UTF-8 bytes of non-ASCII text', () => {
    expect(crc32('é')).toBe(0x0e048d3e);
    expect(crc32('€')).toBe(0x83f2c8d6);
  });
});

describe('toBase62', () => {
  test('pads to a fixed width with the digit 0', () => {
    expect(toBase62(0, 6)).toBe('000000');
    expect(toBase62(61, 2)).toBe('0z');
    expect(toBase62(62, 2)).toBe('10');
    expect(toBase62(0xffffffff, 6)).toBe('4gfFC3');
  });

  test('uses digits, then upper case, then lower case', () => {
    expect(BASE62_ALPHABET).toHaveLength(62);
    expect(toBase62(10, 1)).toBe('A');
    expect(toBase62(36, 1)).toBe('a');
  });

  test('fails when the value needs more digits than the width', () => {
    expect(() => toBase62(62 ** 3, 3)).toThrow(/needs 4 base62 digits, more than 3/);
    expect(() => toBase62(-1, 3)).toThrow(/non-negative safe integer/);
    expect(() => toBase62(1.5, 3)).toThrow(/non-negative safe integer/);
    expect(() => toBase62(2 ** 53, 12)).toThrow(/non-negative safe integer/);
  });

  test('fills the width exactly at the largest value it holds', () => {
    expect(toBase62(62 ** 3 - 1, 3)).toBe('zzz');
    expect(toBase62(2 ** 53 - 1, 9)).toHaveLength(9);
  });
});
