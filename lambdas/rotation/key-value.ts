/**
 * The format of an API key value: `<prefix><body><checksum>`, letters and digits only.
 *
 * - prefix: the consumer's key prefix (tag keyplane:key-prefix), 0-90 letters and digits;
 * - body: 32 characters drawn uniformly from base62 with a CSPRNG, 32 x log2(62) = 190.5 bits;
 * - checksum: CRC-32 of prefix + body, in base62, 6 characters (62^6 > 2^32).
 *
 * Like GitHub's token format, the fixed-width checksum lets a secret scanner recognise a leaked
 * key offline (`[A-Za-z0-9]{38,128}` whose last 6 characters check out) with a false-positive
 * rate of 2^-32, without knowing the prefix. API Gateway accepts 20-128 alphanumeric characters;
 * every value made here is 38-128 long.
 */
import { randomBytes } from 'crypto';
import {
  isValidKeyPrefix,
  KEY_BODY_LENGTH,
  KEY_CHECKSUM_LENGTH,
  KEY_MAX_LENGTH,
  KEY_PREFIX_PATTERN,
  KEY_PREFIX_RULE,
} from '../../contract/key-format';
import { BASE62_ALPHABET, crc32, toBase62 } from './checksum';

/** Bits of entropy in the random body. */
export const KEY_ENTROPY_BITS = KEY_BODY_LENGTH * Math.log2(62);

const ALPHANUMERIC = KEY_PREFIX_PATTERN;
/** Largest multiple of 62 that fits a byte: bytes at or above it are rejected to stay uniform. */
const UNBIASED_BYTE_LIMIT = 62 * 4;

/** A source of cryptographically strong random bytes (crypto.randomBytes by default). */
export type RandomBytes = (size: number) => Uint8Array;

/** A fresh key value for a consumer's prefix. */
export function generateKeyValue(prefix: string, random: RandomBytes = randomBytes): string {
  if (!isValidKeyPrefix(prefix)) {
    throw new RangeError(`key prefix must ${KEY_PREFIX_RULE}`);
  }
  const head = prefix + randomBase62(KEY_BODY_LENGTH, random);
  return head + checksumOf(head);
}

/**
 * True when a value has the keyplane format: alphanumeric, 38-128 characters, and a checksum
 * that matches. With a prefix, the value must also start with it and have exactly its length.
 */
export function verifyKeyValue(value: string, prefix?: string): boolean {
  const minimum = KEY_BODY_LENGTH + KEY_CHECKSUM_LENGTH;
  if (value.length < minimum || value.length > KEY_MAX_LENGTH) return false;
  if (!ALPHANUMERIC.test(value)) return false;
  if (prefix !== undefined) {
    if (!value.startsWith(prefix) || value.length !== prefix.length + minimum) return false;
  }
  const head = value.slice(0, -KEY_CHECKSUM_LENGTH);
  return value.slice(-KEY_CHECKSUM_LENGTH) === checksumOf(head);
}

function checksumOf(head: string): string {
  return toBase62(crc32(head), KEY_CHECKSUM_LENGTH);
}

function randomBase62(length: number, random: RandomBytes): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < UNBIASED_BYTE_LIMIT) {
        out += BASE62_ALPHABET[byte % 62];
        if (out.length === length) break;
      }
    }
  }
  return out;
}
