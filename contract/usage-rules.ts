/**
 * Defaults and bounds of the two usage-aware policies of a consumer: the quota carried across a
 * rotation, and retirement that watches the outgoing key's traffic (README "Quota carry and
 * traffic-aware retirement"). The constructs check against them at synth time and the rotation
 * Lambda at run time.
 */
import { formatSeconds, SECONDS_PER } from './durations';

/**
 * Share of a plan's quota the key that is not carrying the consumer's traffic (the follower)
 * may spend between two sweeps. While both keys are enabled, the two together spend at most the
 * plan's quota plus this share of it in a quota period (docs/configuration.md states the bound).
 */
export const DEFAULT_QUOTA_SLACK_PERCENT = 10;
/** The slack is a whole percentage from 0 to 100 (100: each key may spend the whole pool). */
export const QUOTA_SLACK_PERCENT_RULE = 'be a whole number from 0 to 100';

/**
 * An outgoing key whose traffic the sweep has not seen move for this long is retired before its
 * grace period ends. Six hours: a consumer that calls less often than that and caches its key
 * for longer should set a longer quiet period or 0 (never retire early).
 */
export const DEFAULT_QUIET_PERIOD_SECONDS = 6 * SECONDS_PER.hour;

/**
 * How long past its grace period an outgoing key that is still in use is kept enabled (held),
 * then retired anyway. 0: retired when the grace period ends, used or not.
 */
export const DEFAULT_MAX_HOLD_SECONDS = 3 * SECONDS_PER.day;
/** The longest hold the function accepts: 30 days. */
export const MAX_HOLD_SECONDS = 30 * SECONDS_PER.day;
/** The longest quiet period the function accepts: 30 days. */
export const MAX_QUIET_PERIOD_SECONDS = 30 * SECONDS_PER.day;

/** What a quiet period and a hold may be, worded for messages. */
export const QUIET_PERIOD_RULE = wholeSecondsRule(MAX_QUIET_PERIOD_SECONDS);
export const MAX_HOLD_RULE = wholeSecondsRule(MAX_HOLD_SECONDS);

/*
 * The checks, one each: the constructs run them at synth and the rotation Lambda on the
 * deployer's document. Each gives the rule the value breaks, or undefined when it keeps it.
 */
export function quotaSlackPercentProblem(percent: number): string | undefined {
  return isWholeUpTo(percent, 100) ? undefined : QUOTA_SLACK_PERCENT_RULE;
}

export function quietPeriodProblem(seconds: number): string | undefined {
  return isWholeUpTo(seconds, MAX_QUIET_PERIOD_SECONDS) ? undefined : QUIET_PERIOD_RULE;
}

export function maxHoldProblem(seconds: number): string | undefined {
  return isWholeUpTo(seconds, MAX_HOLD_SECONDS) ? undefined : MAX_HOLD_RULE;
}

function isWholeUpTo(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

function wholeSecondsRule(max: number): string {
  return `be a whole number of seconds from 0 to ${max} (${formatSeconds(max)})`;
}
