/**
 * Lambda limits a function's environment variables to 4 KB in all, names and values counted
 * together ("Lambda quotas": "Environment variables: 4 KB, for all environment variables
 * associated with the function, in aggregate"). Values Terraform fills in at apply time are
 * counted at the longest they can be, so synth fails whenever apply could.
 */

/** Lambda's limit on all environment variables of a function together, in bytes. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** A variable's value as synth knows it: text, or an apply-time value and its longest length. */
export type EnvironmentValue = string | { readonly maxLength: number };

/** The largest size the variables can take, in bytes (UTF-8). */
export function environmentSize(variables: Readonly<Record<string, EnvironmentValue>>): number {
  return Object.entries(variables).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      (typeof value === 'string' ? Buffer.byteLength(value) : value.maxLength),
    0
  );
}
