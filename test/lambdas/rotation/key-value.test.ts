import { crc32, toBase62 } from '../../../lambdas/rotation/checksum';
import {
  generateKeyValue,
  isValidKeyPrefix,
  KEY_ENTROPY_BITS,
  MAX_KEY_PREFIX_LENGTH,
  verifyKeyValue,
} from '../../../lambdas/rotation/key-value';

describe('generateKeyValue', () => {
  test('10,000 keys: all verify, all distinct, alphanumeric, 20-128 characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const value = generateKeyValue('ordK');
      expect(value).toMatch(/^ordK[A-Za-z0-9]{38}$/);
      expect(verifyKeyValue(value)).toBe(true);
      expect(verifyKeyValue(value, 'ordK')).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(10_000);
  });

  test('has at least 160 bits of entropy in the random body', () => {
    expect(KEY_ENTROPY_BITS).toBeGreaterThanOrEqual(160);
  });

  test('draws the body uniformly: every base62 digit, none far from its share', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      for (const char of generateKeyValue('').slice(0, 32)) {
        counts.set(char, (counts.get(char) ?? 0) + 1);
      }
    }
    expect(counts.size).toBe(62);
    const expected = (2_000 * 32) / 62;
    for (const count of counts.values()) {
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.2);
    }
  });

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

  test('rejects any single changed character', () => {
    for (let i = 0; i < value.length; i++) {
      const replacement = value[i] === 'A' ? 'B' : 'A';
      expect(verifyKeyValue(value.slice(0, i) + replacement + value.slice(i + 1))).toBe(false);
    }
  });

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
