/**
 * A consumer's policy, read from the tags Terraform writes on its secret (contract/tags.ts).
 * Changing the tags and deploying is how a platform team changes a consumer; this module is the
 * one place that reads them.
 */
import { healthCheckUrlProblem, PLAN_ID_SEPARATOR, SecretTag } from '../../contract';
import { SecretPolicyError } from './errors';
import { isValidKeyPrefix, MAX_KEY_PREFIX_LENGTH } from './key-value';

export interface ConsumerPolicy {
  readonly consumer: string;
  /** Usage plans the current key must belong to, without duplicates. */
  readonly usagePlanIds: readonly string[];
  /**
   * Seconds the outgoing key stays enabled after a rotation.
   *
   * @default 86400 (1 day) when the tag is absent
   */
  readonly gracePeriodSeconds: number;
  /**
   * Start of every key value.
   *
   * @default '' when the tag is absent
   */
  readonly keyPrefix: string;
  /** URL testSecret calls with the pending key, when the tag is present. */
  readonly healthCheckUrl?: string;
}

export const DEFAULT_GRACE_PERIOD_SECONDS = 24 * 60 * 60;
const MAX_GRACE_PERIOD_SECONDS = 365 * 24 * 60 * 60;
/** Consumer names become part of key names: printable, no spaces. */
const CONSUMER_PATTERN = /^[A-Za-z0-9_.:/=+@-]{1,64}$/;
const PLAN_ID_PATTERN = /^[A-Za-z0-9]{1,64}$/;

/** Reads the policy from a secret's tags; throws a SecretPolicyError naming the bad tag. */
export function readConsumerPolicy(
  secretId: string,
  tags: Readonly<Record<string, string>>
): ConsumerPolicy {
  const consumer = tags[SecretTag.CONSUMER];
  if (consumer === undefined || !CONSUMER_PATTERN.test(consumer)) {
    throw new SecretPolicyError(
      secretId,
      SecretTag.CONSUMER,
      'must be 1-64 letters, digits or _ . : / = + - @'
    );
  }
  const plans = tags[SecretTag.USAGE_PLANS];
  if (plans === undefined) {
    throw new SecretPolicyError(secretId, SecretTag.USAGE_PLANS, 'must be present');
  }
  const usagePlanIds = [...new Set(plans.split(PLAN_ID_SEPARATOR).filter((id) => id !== ''))];
  if (!usagePlanIds.every((id) => PLAN_ID_PATTERN.test(id))) {
    throw new SecretPolicyError(
      secretId,
      SecretTag.USAGE_PLANS,
      'must be usage plan ids (letters and digits) separated by spaces'
    );
  }
  const keyPrefix = tags[SecretTag.KEY_PREFIX] ?? '';
  if (!isValidKeyPrefix(keyPrefix)) {
    throw new SecretPolicyError(
      secretId,
      SecretTag.KEY_PREFIX,
      `must be at most ${MAX_KEY_PREFIX_LENGTH} letters and digits`
    );
  }
  const healthCheckUrl = tags[SecretTag.HEALTH_CHECK_URL];
  const urlProblem =
    healthCheckUrl === undefined ? undefined : healthCheckUrlProblem(healthCheckUrl);
  if (urlProblem !== undefined) {
    throw new SecretPolicyError(secretId, SecretTag.HEALTH_CHECK_URL, `must ${urlProblem}`);
  }
  return {
    consumer,
    usagePlanIds,
    gracePeriodSeconds: readGracePeriod(secretId, tags[SecretTag.GRACE_PERIOD_SECONDS]),
    keyPrefix,
    ...(healthCheckUrl === undefined ? {} : { healthCheckUrl }),
  };
}

function readGracePeriod(secretId: string, raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_GRACE_PERIOD_SECONDS;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > MAX_GRACE_PERIOD_SECONDS) {
    throw new SecretPolicyError(
      secretId,
      SecretTag.GRACE_PERIOD_SECONDS,
      `must be a whole number of seconds from 0 to ${MAX_GRACE_PERIOD_SECONDS}`
    );
  }
  return Number(raw);
}
