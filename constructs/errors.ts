/**
 * Messages for misuse of the keyplane constructs, kept in one place so every failure names
 * where it happened, the field, the value received and the rule it broke.
 */

/** Where a validation error happened and, for a single bad value, which field and rule. */
export interface ValidationErrorDetails {
  /** Construct path (or API, e.g. `Duration.parse`) the error names. */
  readonly path: string;
  /** The prop, as written in the message (e.g. `quota.limit`, `readers[1]`); unset for a conflict. */
  readonly field?: string;
  /** What the field must be, worded to follow "must". */
  readonly rule?: string;
}

/** Thrown when a construct receives a value that breaks one of its rules. */
export class KeyplaneValidationError extends Error {
  /** Where it happened, the field and the rule, for tools that report errors their own way. */
  readonly details?: ValidationErrorDetails;

  constructor(message: string, details?: ValidationErrorDetails) {
    super(message);
    this.name = 'KeyplaneValidationError';
    this.details = details;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value);
}

/** `<path>: <field> must <rule>, got <value>` */
export function invalidValue(
  path: string,
  field: string,
  value: unknown,
  rule: string
): KeyplaneValidationError {
  return new KeyplaneValidationError(`${path}: ${field} must ${rule}, got ${show(value)}`, {
    path,
    field,
    rule,
  });
}

/** A rule that spans several fields or constructs. */
export function conflict(path: string, message: string): KeyplaneValidationError {
  return new KeyplaneValidationError(`${path}: ${message}`, { path });
}
