/**
 * A consumer's policy and its encoding as the tags Terraform writes on the consumer's secret
 * (contract/tags.ts). {@link consumerPolicyTags} is what the constructs write and
 * {@link readConsumerPolicyTags} what the rotation Lambda reads; a property test proves the round
 * trip is exact.
 */
import type { BlastRadiusPolicy } from './blast-radius';
import { healthCheckUrlProblem } from './health-check-url';
import { isValidKeyPrefix, KEY_PREFIX_RULE } from './key-format';
import type { PlanQuotaPolicy } from './plan-quota';
import {
  CONSUMER_NAME_PATTERN,
  CONSUMER_NAME_RULE,
  DEFAULT_GRACE_PERIOD_SECONDS,
  MAX_GRACE_PERIOD_SECONDS,
} from './policy-rules';
import type { RegionalPolicy } from './regional-policy';
import { PLAN_ID_SEPARATOR, SecretTag } from './tags';
import {
  DEFAULT_MAX_HOLD_SECONDS,
  DEFAULT_QUIET_PERIOD_SECONDS,
  DEFAULT_QUOTA_SLACK_PERCENT,
  MAX_HOLD_RULE,
  maxHoldProblem,
  QUIET_PERIOD_RULE,
  quietPeriodProblem,
  QUOTA_SLACK_PERCENT_RULE,
  quotaSlackPercentProblem,
} from './usage-rules';

/** What the deployer decided about one consumer. */
export interface ConsumerPolicy {
  readonly consumer: string;
  /** Usage plans the current key must belong to, without duplicates. */
  readonly usagePlanIds: readonly string[];
  /**
   * Seconds the outgoing key stays enabled after a rotation.
   * @default 86400 (DEFAULT_GRACE_PERIOD_SECONDS) when the tag is absent
   */
  readonly gracePeriodSeconds: number;
  /**
   * Start of every key value.
   * @default '' when the tag is absent
   */
  readonly keyPrefix: string;
  /** URL testSecret calls with the pending key, when set. */
  readonly healthCheckUrl?: string;
  /**
   * Whether a rotation carries the outgoing key's remaining quota over to the new key, and the
   * sweep shares the plan's quota between the two while both are enabled.
   * @default true when the tag is absent
   */
  readonly carryQuota: boolean;
  /**
   * Whole percentage of a plan's quota the follower key may spend between two sweeps.
   * @default 10 (DEFAULT_QUOTA_SLACK_PERCENT) when the tag is absent
   */
  readonly quotaSlackPercent: number;
  /**
   * Seconds without traffic on the outgoing key after which the sweep retires it early; 0
   * never retires early.
   * @default 21600 (DEFAULT_QUIET_PERIOD_SECONDS) when the tag is absent
   */
  readonly quietPeriodSeconds: number;
  /**
   * Seconds the sweep holds an outgoing key still in use past its grace period; 0 never holds.
   * @default 259200 (DEFAULT_MAX_HOLD_SECONDS) when the tag is absent
   */
  readonly maxHoldSeconds: number;
  /**
   * The quotas of the consumer's plans that have one, as declared at synth: what the quota
   * carry uses instead of asking API Gateway. Only the policy document carries them, no tag.
   * @default - none: no plan's quota is carried
   */
  readonly planQuotas?: readonly PlanQuotaPolicy[];
  /**
   * Id of an existing API key the consumer's first rotation takes over instead of making a new
   * one (contract/adoptions.ts). Never carried by a tag: only the function's deployed
   * configuration names it, so no one who may tag a secret can make the function adopt a key.
   * @default - none: the first rotation makes a new key
   */
  readonly adoptKeyId?: string;
  /**
   * Live- and retained-key caps and the rotate-now and revoke cool-downs (contract/blast-radius.ts).
   * Only the policy document carries them, no tag.
   * @default DEFAULT_BLAST_RADIUS
   */
  readonly blastRadius?: BlastRadiusPolicy;
  /**
   * The consumer's further regions, each with its plans there (contract/regional-policy.ts):
   * the key is made with the same value in each. Only the policy document carries them, no tag.
   * @default - none: the key lives in the function's region only
   */
  readonly regions?: readonly RegionalPolicy[];
}

/** Usage plan ids as API Gateway makes them. */
export const PLAN_ID_PATTERN = /^[A-Za-z0-9]{1,64}$/;

/** What a grace period may be, worded for messages. */
export const GRACE_PERIOD_RULE = `be a whole number of seconds from 0 to ${MAX_GRACE_PERIOD_SECONDS}`;

/** The tags that carry a policy; `usagePlanIds` may hold Terraform expressions. */
export function consumerPolicyTags(policy: ConsumerPolicy): Record<string, string> {
  return {
    [SecretTag.CONSUMER]: policy.consumer,
    [SecretTag.USAGE_PLANS]: policy.usagePlanIds.join(PLAN_ID_SEPARATOR),
    [SecretTag.GRACE_PERIOD_SECONDS]: String(policy.gracePeriodSeconds),
    [SecretTag.KEY_PREFIX]: policy.keyPrefix,
    ...(policy.healthCheckUrl === undefined
      ? {}
      : { [SecretTag.HEALTH_CHECK_URL]: policy.healthCheckUrl }),
    [SecretTag.CARRY_QUOTA]: String(policy.carryQuota),
    [SecretTag.QUOTA_SLACK_PERCENT]: String(policy.quotaSlackPercent),
    [SecretTag.QUIET_PERIOD_SECONDS]: String(policy.quietPeriodSeconds),
    [SecretTag.MAX_HOLD_SECONDS]: String(policy.maxHoldSeconds),
  };
}

/** A tag whose value breaks its rule. */
export interface PolicyTagProblem {
  readonly tag: string;
  readonly rule: string;
}

/** The policy the tags carry, or the first tag that breaks its rule. */
export function readConsumerPolicyTags(
  tags: Readonly<Record<string, string>>
): ConsumerPolicy | PolicyTagProblem {
  const consumer = tags[SecretTag.CONSUMER];
  if (consumer === undefined || !CONSUMER_NAME_PATTERN.test(consumer)) {
    return { tag: SecretTag.CONSUMER, rule: `must ${CONSUMER_NAME_RULE}` };
  }
  const plans = tags[SecretTag.USAGE_PLANS];
  if (plans === undefined) return { tag: SecretTag.USAGE_PLANS, rule: 'must be present' };
  const usagePlanIds = [...new Set(plans.split(PLAN_ID_SEPARATOR).filter((id) => id !== ''))];
  if (!usagePlanIds.every((id) => PLAN_ID_PATTERN.test(id))) {
    return {
      tag: SecretTag.USAGE_PLANS,
      rule: 'must be usage plan ids (letters and digits) separated by spaces',
    };
  }
  const keyPrefix = tags[SecretTag.KEY_PREFIX] ?? '';
  if (!isValidKeyPrefix(keyPrefix))
    return { tag: SecretTag.KEY_PREFIX, rule: `must ${KEY_PREFIX_RULE}` };
  const healthCheckUrl = tags[SecretTag.HEALTH_CHECK_URL];
  const urlProblem =
    healthCheckUrl === undefined ? undefined : healthCheckUrlProblem(healthCheckUrl);
  if (urlProblem !== undefined) {
    return { tag: SecretTag.HEALTH_CHECK_URL, rule: `must ${urlProblem}` };
  }
  const grace = parseGracePeriod(tags[SecretTag.GRACE_PERIOD_SECONDS]);
  if (grace === undefined) {
    return { tag: SecretTag.GRACE_PERIOD_SECONDS, rule: `must ${GRACE_PERIOD_RULE}` };
  }
  const usage = readUsagePolicyTags(tags);
  if ('tag' in usage) return usage;
  return {
    consumer,
    usagePlanIds,
    gracePeriodSeconds: grace,
    keyPrefix,
    ...(healthCheckUrl === undefined ? {} : { healthCheckUrl }),
    ...usage,
  };
}

type UsagePolicy = Pick<
  ConsumerPolicy,
  'carryQuota' | 'quotaSlackPercent' | 'quietPeriodSeconds' | 'maxHoldSeconds'
>;

function readUsagePolicyTags(
  tags: Readonly<Record<string, string>>
): UsagePolicy | PolicyTagProblem {
  const carry = tags[SecretTag.CARRY_QUOTA] ?? 'true';
  if (carry !== 'true' && carry !== 'false') {
    return { tag: SecretTag.CARRY_QUOTA, rule: 'must be "true" or "false"' };
  }
  const slack = parseWhole(
    tags[SecretTag.QUOTA_SLACK_PERCENT],
    DEFAULT_QUOTA_SLACK_PERCENT,
    quotaSlackPercentProblem
  );
  if (slack === undefined) {
    return { tag: SecretTag.QUOTA_SLACK_PERCENT, rule: `must ${QUOTA_SLACK_PERCENT_RULE}` };
  }
  const quiet = parseWhole(
    tags[SecretTag.QUIET_PERIOD_SECONDS],
    DEFAULT_QUIET_PERIOD_SECONDS,
    quietPeriodProblem
  );
  if (quiet === undefined) {
    return { tag: SecretTag.QUIET_PERIOD_SECONDS, rule: `must ${QUIET_PERIOD_RULE}` };
  }
  const hold = parseWhole(
    tags[SecretTag.MAX_HOLD_SECONDS],
    DEFAULT_MAX_HOLD_SECONDS,
    maxHoldProblem
  );
  if (hold === undefined) return { tag: SecretTag.MAX_HOLD_SECONDS, rule: `must ${MAX_HOLD_RULE}` };
  return {
    carryQuota: carry === 'true',
    quotaSlackPercent: slack,
    quietPeriodSeconds: quiet,
    maxHoldSeconds: hold,
  };
}

/** A whole number that keeps its rule, the default when absent, undefined when it breaks it. */
function parseWhole(
  raw: string | undefined,
  fallback: number,
  problem: (value: number) => string | undefined
): number | undefined {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || problem(Number(raw)) !== undefined) return undefined;
  return Number(raw);
}

/** True when the value is a problem, not a policy. */
export function isPolicyTagProblem(
  value: ConsumerPolicy | PolicyTagProblem
): value is PolicyTagProblem {
  return 'tag' in value;
}

function parseGracePeriod(raw: string | undefined): number | undefined {
  if (raw === undefined) return DEFAULT_GRACE_PERIOD_SECONDS;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > MAX_GRACE_PERIOD_SECONDS) return undefined;
  return Number(raw);
}
