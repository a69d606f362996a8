/**
 * How late a scheduled rotation may be before `keyplane status` and `doctor` call it failed:
 * the margin the rotation service was deployed with (RotationServiceProps.overdueMargin), which
 * Terraform writes into its function's KEYPLANE_OVERDUE_MARGIN_SECONDS and the sweep and its
 * overdue alarm judge by. One value, read where the deployer wrote it (function-settings.ts).
 * Where a function's configuration cannot be read, the contract's default.
 */
import { LambdaEnv } from '../contract/events';
import { DEFAULT_OVERDUE_MARGIN_SECONDS } from '../contract/policy-rules';
import type { FunctionSettings } from './function-settings';

/** The margin, in milliseconds, of the consumers of each rotation function, by its ARN. */
export type OverdueMargins = ReadonlyMap<string, number>;

/** The default margin in milliseconds, for a function not read. */
export const DEFAULT_OVERDUE_MARGIN_MS = DEFAULT_OVERDUE_MARGIN_SECONDS * 1000;

/** The margin of each function of `settings` that states a valid one. */
export function overdueMarginsOf(settings: FunctionSettings): OverdueMargins {
  const margins = new Map<string, number>();
  for (const [arn, variables] of settings) {
    const seconds = Number(variables[LambdaEnv.OVERDUE_MARGIN_SECONDS]);
    if (Number.isSafeInteger(seconds) && seconds >= 0) margins.set(arn, seconds * 1000);
  }
  return margins;
}

/** The margin of the consumers of `functionArn`. */
export function overdueMarginMs(margins: OverdueMargins, functionArn?: string): number {
  return (
    (functionArn === undefined ? undefined : margins.get(functionArn)) ?? DEFAULT_OVERDUE_MARGIN_MS
  );
}
