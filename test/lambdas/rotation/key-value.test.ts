import { randomBytes } from 'crypto';
import {
  isValidKeyPrefix,
  KEY_BODY_LENGTH,
  MAX_KEY_PREFIX_LENGTH,
} from '../../../contract/key-format';
import { BASE62_ALPHABET, crc32, toBase62 } from '../../../lambdas/rotation/checksum';
import {
  generateKeyValue,
  KEY_ENTROPY_BITS,
  verifyKeyValue,
} from '../../../lambdas/rotation/key-value';

/** Chi-square statistic of observed counts against equal shares. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((sum, n) => sum + n, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}

/** Counts of each base62 digit over the random bodies of `keys`. */
function bodyDigitCounts(keys: readonly string[], prefixLength: number): number[] {
  const counts = new Array<number>(62).fill(0);
  for (const key of keys)
    for (const char of key.slice(prefixLength, prefixLength + KEY_BODY_LENGTH))
      counts[BASE62_ALPHABET.indexOf(char)] += 1;
  return counts;
}

/**
 * Bound for 61 degrees of freedom (62 digits) at p = 1e-6 (Wilson-Hilferty): a uniform draw
 * exceeds it once in a million runs; a biased one (byte % 62, no rejection) scores about 2,000.
 */
const CHI_SQUARE_BOUND = 128.9;

describe('10,000 generated keys', () => {
  const PREFIX = 'ordK';
  const keys = Array.from({ length: 10_000 }, () => generateKeyValue(PREFIX));

  test('are all distinct, alphanumeric, of the documented length, and pass their checksum', () => {
    expect(new Set(keys).size).toBe(10_000);
    const bad = keys.filter(
      (key) =>
        !/^ordK[A-Za-z0-9]{38}$/.test(key) || !verifyKeyValue(key) || !verifyKeyValue(key, PREFIX)
    );
    expect(bad).toHaveLength(0);
  });

  test('each fails its checksum with one character changed; every position is tried', () => {
    // Key n is corrupted at position n % 42, so each of the 42 positions is tried ~238 times
    // (CRC-32 detects every change of one character; this shows the code relies on it).
    const accepted = keys.filter((key, n) => {
      const i = n % key.length;
      // The next base62 digit: always a different, still alphanumeric character.
      const next = BASE62_ALPHABET[(BASE62_ALPHABET.indexOf(key[i]) + 1) % 62];
      return verifyKeyValue(key.slice(0, i) + next + key.slice(i + 1));
    });
    expect(new Set(keys.map((key, n) => n % key.length)).size).toBe(42);
    expect(accepted).toHaveLength(0);
  });

  test('draw their bodies uniformly from base62 (chi-square under the p = 1e-6 bound)', () => {
    const counts = bodyDigitCounts(keys, PREFIX.length);
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(chiSquare(counts)).toBeLessThan(CHI_SQUARE_BOUND);
  });

  test('the uniformity check can fail: a biased draw (byte % 62) scores far above the bound', () => {
    const biased = Array.from({ length: 10_000 }, () =>
      Array.from(randomBytes(KEY_BODY_LENGTH), (byte) => BASE62_ALPHABET[byte % 62]).join('')
    );
    expect(chiSquare(bodyDigitCounts(biased, 0))).toBeGreaterThan(10 * CHI_SQUARE_BOUND);
  });

  test('carry the documented entropy: 32 x log2(62) = 190.5 bits, and the measured digit entropy agrees', () => {
    expect(KEY_ENTROPY_BITS).toBeCloseTo(190.5, 1);
    const counts = bodyDigitCounts(keys, PREFIX.length);
    const total = counts.reduce((sum, n) => sum + n, 0);
    const bitsPerDigit = -counts.reduce((sum, n) => sum + (n / total) * Math.log2(n / total), 0);
    // Finite-sample estimates fall short of log2(62) = 5.954 by about 0.0001 bits.
    expect(bitsPerDigit).toBeGreaterThan(5.95);
    expect(bitsPerDigit * KEY_BODY_LENGTH).toBeGreaterThan(190);
  });
});

describe('generateKeyValue', () => {
  test('rejects the bytes that would bias the draw', () => {
    // 248-255 are rejected; 0 maps to '0', 61 to 'z', 62 to '0' again.
    const bytes = [250, 255, 0, 61, 62, ...Array.from({ length: 64 }, () => 1)];
    const value = generateKeyValue('', (size) => Uint8Array.from(bytes.splice(0, size)));
    expect(value.slice(0, 3)).toBe('0z0');
  });

  test('ends with the CRC-32 of everything before it, in 6 base62 digits', () => {
    const value = generateKeyValue('abc');
    expect(value.slice(-6)).toBe(toBase62(crc32(value.slice(0, -6)), 6));
  });

  test('works without a prefix and with the longest one, staying within 128 characters', () => {
    expect(generateKeyValue('')).toHaveLength(38);
    const longest = 'P'.repeat(MAX_KEY_PREFIX_LENGTH);
    expect(generateKeyValue(longest)).toHaveLength(128);
  });

  test('fails for a prefix that is too long or not alphanumeric', () => {
    expect(() => generateKeyValue('P'.repeat(MAX_KEY_PREFIX_LENGTH + 1))).toThrow(
      /key prefix must be at most 90 letters and digits/
    );
    expect(() => generateKeyValue('ord_')).toThrow(/letters and digits/);
    expect(isValidKeyPrefix('ord_')).toBe(false);
  });
});

describe('verifyKeyValue', () => {
  const value = generateKeyValue('ordK');

  test('rejects the wrong prefix, wrong lengths and other characters', () => {
    expect(verifyKeyValue(value, 'ordX')).toBe(false);
    expect(verifyKeyValue(value, 'ord')).toBe(false);
    expect(verifyKeyValue(value.slice(1))).toBe(false);
    expect(verifyKeyValue(`${value.slice(0, 10)}-${value.slice(11)}`)).toBe(false);
    expect(verifyKeyValue('short')).toBe(false);
    expect(verifyKeyValue('a'.repeat(129))).toBe(false);
  });

  test('rejects random strings of the right shape (false positives are 1 in 2^32)', () => {
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) {
      const fake = generateKeyValue('').slice(0, 32) + 'AAAAAA';
      if (verifyKeyValue(fake)) accepted++;
    }
    expect(accepted).toBe(0);
  });
});
