/**
 * Errors of the further regions of a consumer's key (key-regions.ts), worded like errors.ts:
 * the secret, the operation, the region and what was expected; never a key value.
 */
import { RotationError, type Operation, type RotationStep } from './errors';
import { maskKeyLike } from './redaction';

/**
 * A call in a further region failed. Thrown before finishSecret moves AWSCURRENT, it stops the
 * rotation there: the outgoing key still works in every region, and Secrets Manager retries.
 */
export function regionFailed(
  secretId: string,
  operation: Operation,
  region: string,
  cause: unknown
): RotationError {
  const what =
    cause instanceof Error ? `${cause.name}: ${maskKeyLike(cause.message)}` : 'unknown failure';
  return new RotationError(secretId, operation, `in region ${region}: ${what}`, { cause });
}

/** The version names no key in a region the consumer declares. */
export function versionLacksRegion(
  secretId: string,
  step: RotationStep,
  token: string,
  region: string
): RotationError {
  return new RotationError(
    secretId,
    step,
    `version ${token} names no key in region ${region}, which the consumer declares (the ` +
      'regions changed during the rotation); cancel this rotation by removing AWSPENDING from ' +
      'the version and rotate again'
  );
}

/** The version names a key in a further region whose record proof does not hold. */
export function regionalKeyNotProven(
  secretId: string,
  step: RotationStep,
  token: string,
  region: string,
  keyId: string
): RotationError {
  return new RotationError(
    secretId,
    step,
    `version ${token} names key ${keyId} in region ${region}, which the function cannot prove ` +
      'it made for this version; cancel this rotation by removing AWSPENDING from the version ' +
      'and rotate again'
  );
}
