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
