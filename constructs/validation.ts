import { Token } from 'cdktf';
import {
  AWS_RESERVED_TAG_PREFIX,
  MAX_INT32,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS_PER_RESOURCE,
  TAG_CHARACTERS,
} from '../contract/aws-limits';
import { invalidValue } from './errors';

/**
 * Small checks shared by the constructs. Each throws a message that names the construct path,
 * the field, the value and the rule; values that are unresolved tokens are left to Terraform.
 */

export function requirePositiveInteger(path: string, field: string, value: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw invalidValue(path, field, value, 'be a positive integer');
  }
  requireInt32(path, field, value);
}

export function requireNonNegativeInteger(path: string, field: string, value: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidValue(path, field, value, 'be a non-negative integer');
  }
  requireInt32(path, field, value);
}

/** AWS APIs take these integers as 32-bit: larger values are refused at apply. */
function requireInt32(path: string, field: string, value: number): void {
  if (value > MAX_INT32) {
    throw invalidValue(path, field, value, `be at most ${MAX_INT32} (AWS takes a 32-bit integer)`);
  }
}

export function requirePositiveNumber(path: string, field: string, value: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isFinite(value) || value <= 0) {
    throw invalidValue(path, field, value, 'be a number greater than 0');
  }
}

export function requirePattern(
  path: string,
  field: string,
  value: string,
  pattern: RegExp,
  rule: string
): void {
  if (Token.isUnresolved(value)) return;
  if (!pattern.test(value)) {
    throw invalidValue(path, field, value, rule);
  }
}

/**
 * Tags AWS refuses: too many (with the `written` tags keyplane adds), reserved prefixes (`aws:`,
 * and `reserved` for keyplane's own), lengths and characters.
 */
export function validateTags(
  path: string,
  tags: Readonly<Record<string, string>>,
  written: number,
  reserved?: string
): void {
  const keys = Object.keys(tags);
  if (keys.length + written > MAX_TAGS_PER_RESOURCE) {
    throw invalidValue(
      path,
      'tags',
      `${keys.length} tags`,
      `hold at most ${MAX_TAGS_PER_RESOURCE - written} tags (a resource takes ${MAX_TAGS_PER_RESOURCE}, keyplane writes ${written})`
    );
  }
  for (const key of keys) {
    if (Token.isUnresolved(key)) continue;
    for (const prefix of [AWS_RESERVED_TAG_PREFIX, ...(reserved ? [reserved] : [])]) {
      if (key.toLowerCase().startsWith(prefix)) {
        throw invalidValue(
          path,
          'tags key',
          key,
          `not start with "${prefix}" (${prefix === AWS_RESERVED_TAG_PREFIX ? 'AWS reserves it' : "keyplane writes those tags: the consumer's policy"})`
        );
      }
    }
    if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH || !TAG_CHARACTERS.test(key)) {
      throw invalidValue(
        path,
        'tags key',
        key,
        `be 1-${MAX_TAG_KEY_LENGTH} letters, digits, spaces or _.:/=+-@`
      );
    }
    const value = tags[key];
    if (Token.isUnresolved(value)) continue;
    if (value.length > MAX_TAG_VALUE_LENGTH || !TAG_CHARACTERS.test(value)) {
      throw invalidValue(
        path,
        `tags["${key}"]`,
        value,
        `be at most ${MAX_TAG_VALUE_LENGTH} letters, digits, spaces or _.:/=+-@`
      );
    }
  }
}
