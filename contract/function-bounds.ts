/**
 * Bounds of the rotation function's whole-number settings that Terraform writes into its
 * environment (KEYPLANE_KEY_BUDGET, KEYPLANE_RESERVED_CONCURRENCY): the function refuses any
 * other value at every invocation, so synth refuses it first, by the same bound and rule.
 */

/** A whole number from `min` to `max`, counted in `unit`. */
export interface WholeNumberBound {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

/** A service's key budget: API Gateway's highest raised key quota is far below the maximum. */
export const KEY_BUDGET_BOUND: WholeNumberBound = { min: 1, max: 1_000_000, unit: 'keys' };

/** The function's reserved concurrency: Lambda's own concurrency quota is far below the maximum. */
export const RESERVED_CONCURRENCY_BOUND: WholeNumberBound = {
  min: 1,
  max: 100_000,
  unit: 'containers',
};

/** What a value within `bound` is, worded for messages: "a whole number of keys from 1 to …". */
export function wholeNumberRule(bound: WholeNumberBound): string {
  return `a whole number of ${bound.unit} from ${bound.min} to ${bound.max}`;
}

/** True for a whole number within `bound`. */
export function isWithin(bound: WholeNumberBound, value: number): boolean {
  return Number.isSafeInteger(value) && value >= bound.min && value <= bound.max;
}
