/**
 * Recognising AWS service errors by name, which works for the SDK's exception classes and for
 * errors deserialized from any endpoint (an emulator included).
 */

/** True when `error` is an AWS service error with this name (e.g. 'NotFoundException'). */
export function isAwsError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
