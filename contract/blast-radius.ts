/**
 * How much one consumer, and so one service, may hold and churn of a region's API keys: the
 * live-key cap, the retained-key cap, and the cool-downs of rotate-now and revoke (issue #11,
 * "Bounded blast radius"; docs/trust.md). The deployer sets them per consumer; they travel in
 * the policy document (contract/deployer-policy.ts), never in a tag, and the constructs and the
 * rotation function check them against the same rules.
 */
import { formatSeconds, SECONDS_PER } from './durations';

/** A consumer's limits. */
export interface BlastRadiusPolicy {
  /**
   * Keys of the consumer enabled at once: 2 is the current key plus the outgoing one in its
   * grace period; 1 retires the outgoing key as soon as its successor is current (no grace).
   * Issuing a new key retires the older ones beyond it in the same rotation.
   */
  readonly maxLiveKeys: number;
  /**
   * Retired (disabled) keys of the consumer kept for the delete period; the sweep deletes the
   * oldest beyond it at once. They count against the region's key quota too.
   */
  readonly maxRetainedKeys: number;
  /**
   * Seconds in which the consumer gets at most `maxLiveKeys` new keys: createSecret within this
   * of the last completed rotation (DescribeSecret's LastRotatedDate) refuses when the consumer's
   * proven keys made within it already number `maxLiveKeys`; `keyplane rotate` and any
   * RotateSecret caller.
   */
  readonly rotateCoolDownSeconds: number;
  /** Seconds after a revoke that issued a key in which another such revoke is refused. */
  readonly revokeCoolDownSeconds: number;
}

/** The current key plus one in its grace period. */
export const DEFAULT_MAX_LIVE_KEYS = 2;
/**
 * Two retired keys per consumer: the last two keys can still be restored (stage their version
 * AWSCURRENT again) within the delete period; older ones are deleted by the next sweep.
 */
export const DEFAULT_MAX_RETAINED_KEYS = 2;
/** At most `maxLiveKeys` new keys per consumer per 15 minutes from rotations: 8 an hour at most. */
export const DEFAULT_ROTATE_COOL_DOWN_SECONDS = 15 * SECONDS_PER.minute;
/**
 * Five minutes between two revokes of a consumer: a revoke right after a rotation always goes
 * through (a leak does not wait), only a repeated one waits.
 */
export const DEFAULT_REVOKE_COOL_DOWN_SECONDS = 5 * SECONDS_PER.minute;

export const DEFAULT_BLAST_RADIUS: BlastRadiusPolicy = {
  maxLiveKeys: DEFAULT_MAX_LIVE_KEYS,
  maxRetainedKeys: DEFAULT_MAX_RETAINED_KEYS,
  rotateCoolDownSeconds: DEFAULT_ROTATE_COOL_DOWN_SECONDS,
  revokeCoolDownSeconds: DEFAULT_REVOKE_COOL_DOWN_SECONDS,
};

/**
 * Secrets Manager keeps labels on two versions besides a rotation's own (AWSCURRENT and
 * AWSPREVIOUS): the function can name, without a list call, at most two live keys.
 */
export const MAX_LIVE_KEYS = 2;
export const MAX_RETAINED_KEYS = 100;
/**
 * Secrets Manager's shortest rotation schedule is 4 hours: a rotate cool-down under it never
 * refuses a scheduled rotation.
 */
export const MAX_ROTATE_COOL_DOWN_SECONDS = 4 * SECONDS_PER.hour - 1;
export const MAX_REVOKE_COOL_DOWN_SECONDS = SECONDS_PER.day;

/** Each limit's rule, worded for messages. */
export const BLAST_RADIUS_RULES: Readonly<Record<keyof BlastRadiusPolicy, string>> = {
  maxLiveKeys: `be 1 or ${MAX_LIVE_KEYS}`,
  maxRetainedKeys: `be a whole number from 0 to ${MAX_RETAINED_KEYS}`,
  rotateCoolDownSeconds: `be a whole number of seconds from 0 to ${MAX_ROTATE_COOL_DOWN_SECONDS} (under ${formatSeconds(MAX_ROTATE_COOL_DOWN_SECONDS + 1)}, the shortest rotation schedule)`,
  revokeCoolDownSeconds: `be a whole number of seconds from 0 to ${MAX_REVOKE_COOL_DOWN_SECONDS}`,
};

const MIN: Readonly<Record<keyof BlastRadiusPolicy, number>> = {
  maxLiveKeys: 1,
  maxRetainedKeys: 0,
  rotateCoolDownSeconds: 0,
  revokeCoolDownSeconds: 0,
};
const MAX: Readonly<Record<keyof BlastRadiusPolicy, number>> = {
  maxLiveKeys: MAX_LIVE_KEYS,
  maxRetainedKeys: MAX_RETAINED_KEYS,
  rotateCoolDownSeconds: MAX_ROTATE_COOL_DOWN_SECONDS,
  revokeCoolDownSeconds: MAX_REVOKE_COOL_DOWN_SECONDS,
};

/** The first limit that breaks its rule, or undefined. */
export function blastRadiusProblem(
  limits: unknown
): { readonly field: keyof BlastRadiusPolicy; readonly rule: string } | undefined {
  const record = (typeof limits === 'object' && limits !== null ? limits : {}) as Record<
    string,
    unknown
  >;
  for (const field of Object.keys(BLAST_RADIUS_RULES) as (keyof BlastRadiusPolicy)[]) {
    const value = record[field];
    if (
      !Number.isSafeInteger(value) ||
      (value as number) < MIN[field] ||
      (value as number) > MAX[field]
    )
      return { field, rule: BLAST_RADIUS_RULES[field] };
  }
  return undefined;
}

/**
 * Keys one consumer may hold in a region: live plus retained, plus the one a rotation is
 * issuing (it exists, in no plan yet, until finishSecret retires the oldest live key).
 */
export function keysPerConsumer(limits: BlastRadiusPolicy): number {
  return limits.maxLiveKeys + limits.maxRetainedKeys + 1;
}

/** The service's key budget derived from its consumers: the sum of what each may hold. */
export function derivedKeyBudget(consumers: Iterable<BlastRadiusPolicy>): number {
  let budget = 0;
  for (const limits of consumers) budget += keysPerConsumer(limits);
  return budget;
}
