import { Token } from 'cdktf';
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
}

export function requireNonNegativeInteger(path: string, field: string, value: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidValue(path, field, value, 'be a non-negative integer');
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
