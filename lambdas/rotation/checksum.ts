/**
 * CRC-32 (IEEE 802.3, the zlib and PNG polynomial) and fixed-width base62, the two pieces of a
 * key's checksum suffix. Written out rather than imported so a secret scanner can port the
 * check in a few lines.
 */

/** Digits of base62 in ascending order: 0-9, A-Z, a-z. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const CRC_TABLE = buildCrcTable();

function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  // Stryker disable next-line EqualityOperator: `n <= 256` only adds a write to table[256], which a 256-entry Uint32Array drops; the table is the same
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 of the UTF-8 bytes of a string, as an unsigned 32-bit integer. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A non-negative integer in base62, left-padded with '0' to exactly `width` digits. */
export function toBase62(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError('toBase62 needs a non-negative safe integer');
  }
  let digits = '';
  let rest = value;
  do {
    digits = BASE62_ALPHABET[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  if (digits.length > width) {
    throw new RangeError(`value needs ${digits.length} base62 digits, more than ${width}`);
  }
  return digits.padStart(width, '0');
}
