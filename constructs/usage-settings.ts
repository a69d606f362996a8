/**
 * A key's usage-aware settings (quota carry, traffic-aware retirement), checked against the
 * contract's rules (contract/usage-rules.ts) and with their defaults applied.
 */
import { Token } from 'cdktf';
import { formatSeconds } from '../contract/durations';
import {
  DEFAULT_MAX_HOLD_SECONDS,
  DEFAULT_QUIET_PERIOD_SECONDS,
  DEFAULT_QUOTA_SLACK_PERCENT,
  MAX_HOLD_SECONDS,
  MAX_QUIET_PERIOD_SECONDS,
  QUOTA_SLACK_PERCENT_RULE,
} from '../contract/usage-rules';
import type { Duration } from './duration';
import { invalidValue } from './errors';
import type { ManagedApiKeyProps } from './managed-api-key';

/** What the secret's tags carry to the rotation function. */
export interface UsageSettings {
  readonly carryQuota: boolean;
  readonly quotaSlackPercent: number;
  readonly quietPeriodSeconds: number;
  readonly maxHoldSeconds: number;
}

export function resolveUsageSettings(path: string, props: ManagedApiKeyProps): UsageSettings {
  const slack = props.quotaSlackPercent ?? DEFAULT_QUOTA_SLACK_PERCENT;
  if (!Token.isUnresolved(slack) && !(Number.isInteger(slack) && slack >= 0 && slack <= 100)) {
    throw invalidValue(path, 'quotaSlackPercent', slack, QUOTA_SLACK_PERCENT_RULE);
  }
  return {
    carryQuota: props.carryQuota ?? true,
    quotaSlackPercent: slack,
    quietPeriodSeconds: atMost(
      path,
      'quietPeriod',
      props.quietPeriod,
      DEFAULT_QUIET_PERIOD_SECONDS,
      MAX_QUIET_PERIOD_SECONDS
    ),
    maxHoldSeconds: atMost(
      path,
      'maxHold',
      props.maxHold,
      DEFAULT_MAX_HOLD_SECONDS,
      MAX_HOLD_SECONDS
    ),
  };
}

function atMost(
  path: string,
  prop: string,
  value: Duration | undefined,
  fallback: number,
  max: number
): number {
  if (value === undefined) return fallback;
  if (value.toSeconds() > max) {
    throw invalidValue(path, prop, String(value), `be at most ${formatSeconds(max)}`);
  }
  return value.toSeconds();
}
