/**
 * The shape of an API key value: `<prefix><body><checksum>`, letters and digits only.
 * The constructs check a consumer's prefix against these lengths at synth time; the Lambda
 * generates keys of exactly this shape.
 */

/** Random base62 characters after the prefix: 32 of them carry 190 bits of entropy. */
export const KEY_BODY_LENGTH = 32;
/** Base62 checksum characters at the end, so scanners can recognise a key offline. */
export const KEY_CHECKSUM_LENGTH = 6;
/** API Gateway's bounds on an API key value's length. */
export const KEY_MIN_LENGTH = 20;
export const KEY_MAX_LENGTH = 128;
/** Letters and digits only: API Gateway documents key values as alphanumeric. */
export const KEY_PREFIX_PATTERN = /^[A-Za-z0-9]*$/;

/** The longest prefix that leaves room for body and checksum within {@link KEY_MAX_LENGTH}. */
export const MAX_KEY_PREFIX_LENGTH = KEY_MAX_LENGTH - KEY_BODY_LENGTH - KEY_CHECKSUM_LENGTH;

/** What a key prefix may be, worded for messages. */
export const KEY_PREFIX_RULE = `be at most ${MAX_KEY_PREFIX_LENGTH} letters and digits`;

/** True when a prefix can start a key value: letters and digits, short enough. */
export function isValidKeyPrefix(prefix: string): boolean {
  return prefix.length <= MAX_KEY_PREFIX_LENGTH && KEY_PREFIX_PATTERN.test(prefix);
}
