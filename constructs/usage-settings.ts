/**
 * A key's usage-aware settings (quota carry, traffic-aware retirement), checked by the
 * contract's rules (contract/usage-rules.ts), the same the rotation function applies, and with
 * their defaults applied.
 */
import { Token } from 'cdktf';
import {
  DEFAULT_MAX_HOLD_SECONDS,
  DEFAULT_QUIET_PERIOD_SECONDS,
  DEFAULT_QUOTA_SLACK_PERCENT,
  maxHoldProblem,
  quietPeriodProblem,
  quotaSlackPercentProblem,
} from '../contract/usage-rules';
import type { Duration } from './duration';
import { invalidValue } from './errors';
import type { ManagedApiKeyProps } from './managed-api-key';

/** What the policy document carries to the rotation function. */
export interface UsageSettings {
  readonly carryQuota: boolean;
  readonly quotaSlackPercent: number;
  readonly quietPeriodSeconds: number;
  readonly maxHoldSeconds: number;
}

export function resolveUsageSettings(path: string, props: ManagedApiKeyProps): UsageSettings {
  const slack = props.quotaSlackPercent ?? DEFAULT_QUOTA_SLACK_PERCENT;
  const slackRule = Token.isUnresolved(slack) ? undefined : quotaSlackPercentProblem(slack);
  if (slackRule !== undefined) throw invalidValue(path, 'quotaSlackPercent', slack, slackRule);
  return {
    carryQuota: props.carryQuota ?? true,
    quotaSlackPercent: slack,
    quietPeriodSeconds: seconds(
      path,
      'quietPeriod',
      props.quietPeriod,
      DEFAULT_QUIET_PERIOD_SECONDS,
      quietPeriodProblem
    ),
    maxHoldSeconds: seconds(
      path,
      'maxHold',
      props.maxHold,
      DEFAULT_MAX_HOLD_SECONDS,
      maxHoldProblem
    ),
  };
}

function seconds(
  path: string,
  prop: string,
  value: Duration | undefined,
  fallback: number,
  problem: (seconds: number) => string | undefined
): number {
  if (value === undefined) return fallback;
  const rule = problem(value.toSeconds());
  if (rule !== undefined) throw invalidValue(path, prop, String(value), rule);
  return value.toSeconds();
}
