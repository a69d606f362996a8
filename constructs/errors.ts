/**
 * Messages for misuse of the keyplane constructs, kept in one place so every failure names
 * where it happened, the field, the value received and the rule it broke.
 */

/** Thrown when a construct receives a value that breaks one of its rules. */
export class KeyplaneValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyplaneValidationError';
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `<path>: <field> must <rule>, got <value>` */
export function invalidValue(
  path: string,
  field: string,
  value: unknown,
  rule: string
): KeyplaneValidationError {
  return new KeyplaneValidationError(`${path}: ${field} must ${rule}, got ${show(value)}`);
}

/** A rule that spans several fields or constructs. */
export function conflict(path: string, message: string): KeyplaneValidationError {
  return new KeyplaneValidationError(`${path}: ${message}`);
}
