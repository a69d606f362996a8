/**
 * The bound of a service's key budget (RotationServiceProps.keyBudget, KEYPLANE_KEY_BUDGET):
 * synth refuses a budget the rotation function would refuse at every invocation.
 */

/** The most keys a budget may name: API Gateway's highest raised quota is far below it. */
export const MAX_KEY_BUDGET = 1_000_000;

/** What a key budget may be, worded for messages. */
export const KEY_BUDGET_RULE = `be a whole number of keys from 1 to ${MAX_KEY_BUDGET}`;
