import { KeyplaneValidationError } from '../constructs/errors';
import { ConfigError } from './config';

/** cdktf's message when `addValidation` checks fail at synth. */
const VALIDATION_FAILED = /^Validation failed with the following errors:/;

/**
 * True for an error the user fixes in their config or code: a config error, a construct's
 * validation error, or cdktf's report of failed validations. Those are printed without a stack
 * trace; anything else is a bug and keeps its trace.
 */
export function isUserError(error: unknown): error is Error {
  return (
    error instanceof ConfigError ||
    error instanceof KeyplaneValidationError ||
    (error instanceof Error && VALIDATION_FAILED.test(error.message))
  );
}
