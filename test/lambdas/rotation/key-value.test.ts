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
    // 248-255 are rejected; 0 maps to '0', 61 to 'z', 62 to '0' again, 247 (the last kept) to 'z'.
    const bytes = [250, 255, 248, 0, 61, 62, 247, ...Array.from({ length: 64 }, () => 1)];
    const value = generateKeyValue('', (size) => Uint8Array.from(bytes.splice(0, size)));
    expect(value.slice(0, 5)).toBe('0z0z1');
    expect(value.slice(5, 32)).toBe('1'.repeat(27));
  });

  test('draws again until the body is full when a draw yields too few usable bytes', () => {
    const draws: number[] = [];
    const value = generateKeyValue('', (size) => {
      draws.push(size);
      // The first draw is all rejected bytes but one; the next ones are usable.
      return draws.length === 1
        ? Uint8Array.from({ length: size }, (_, i) => (i === 0 ? 10 : 255))
        : Uint8Array.from({ length: size }, () => 11);
    });
    expect(draws).toEqual([64, 64]);
    expect(value.slice(0, 32)).toBe(`A${'B'.repeat(31)}`);
    expect(verifyKeyValue(value)).toBe(true);
  });

  test('a prefix of exactly the maximum length is valid, one more is not', () => {
    expect(isValidKeyPrefix('P'.repeat(MAX_KEY_PREFIX_LENGTH))).toBe(true);
    expect(isValidKeyPrefix('P'.repeat(MAX_KEY_PREFIX_LENGTH + 1))).toBe(false);
    expect(isValidKeyPrefix('')).toBe(true);
    expect(MAX_KEY_PREFIX_LENGTH).toBe(90);
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

/** `head` with its correct checksum appended: any failure is then the length's or alphabet's. */
const withChecksum = (head: string) => head + toBase62(crc32(head), 6);

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

  test('accepts the 128-character edge, with and without its prefix, and nothing longer', () => {
    const longest = 'P'.repeat(MAX_KEY_PREFIX_LENGTH);
    const value = generateKeyValue(longest);
    expect(value).toHaveLength(128);
    expect(verifyKeyValue(value)).toBe(true);
    expect(verifyKeyValue(value, longest)).toBe(true);
    expect(verifyKeyValue(withChecksum(`P${value.slice(0, -6)}`))).toBe(false);
  });

  test('the length bounds hold on their own: checksum-valid values of 37 and 129 characters fail, 38 and 128 pass', () => {
    expect(verifyKeyValue(withChecksum('a'.repeat(31)))).toBe(false);
    expect(verifyKeyValue(withChecksum('a'.repeat(32)))).toBe(true);
    expect(verifyKeyValue(withChecksum('a'.repeat(122)))).toBe(true);
    expect(verifyKeyValue(withChecksum('a'.repeat(123)))).toBe(false);
  });

  test('the alphabet check holds on its own: a checksum-valid value with a non-alphanumeric character fails', () => {
    const good = 'a'.repeat(32);
    expect(verifyKeyValue(withChecksum(good))).toBe(true);
    for (const odd of ['-', '_', ' ', '=', 'é']) {
      const head = `${odd}${good.slice(1)}`;
      expect({ odd, verified: verifyKeyValue(withChecksum(head)) }).toEqual({
        odd,
        verified: false,
      });
    }
  });

  test('with a prefix, the prefix and the exact length hold on their own (checksum valid)', () => {
    // One body character too many: starts with the prefix, checksum right, length wrong.
    expect(verifyKeyValue(withChecksum(`ordK${'b'.repeat(33)}`), 'ordK')).toBe(false);
    expect(verifyKeyValue(withChecksum(`ordK${'b'.repeat(32)}`), 'ordK')).toBe(true);
    // The right length, checksum right, another prefix.
    expect(verifyKeyValue(withChecksum(`ordX${'b'.repeat(32)}`), 'ordK')).toBe(false);
    // The empty prefix is a prefix: the value must be 38 characters exactly.
    expect(verifyKeyValue(withChecksum(`ordK${'b'.repeat(32)}`), '')).toBe(false);
    expect(verifyKeyValue(withChecksum('b'.repeat(32)), '')).toBe(true);
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
