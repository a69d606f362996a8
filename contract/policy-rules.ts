/**
 * The bounds and defaults of a consumer's policy and of the rotation service's periods. The
 * constructs check against them at synth time and the rotation Lambda at run time, so a policy
 * synth accepts is one the function accepts.
 */
import { SECONDS_PER } from './durations';

/** A consumer name: a letter or digit, then letters, digits, `-` and `_`; 64 at most. */
export const CONSUMER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** What {@link CONSUMER_NAME_PATTERN} allows, worded for messages. */
export const CONSUMER_NAME_RULE =
  'start with a letter or digit and hold only letters, digits, "-" and "_", at most 64 characters';

/** How long the outgoing key keeps working after a rotation, unless the consumer says. */
export const DEFAULT_GRACE_PERIOD_SECONDS = SECONDS_PER.day;
/** The longest grace period the function accepts: a year. */
export const MAX_GRACE_PERIOD_SECONDS = 365 * SECONDS_PER.day;

/** How long a retired (disabled) key is kept before the sweep deletes it, by default. */
export const DEFAULT_DELETE_AFTER_SECONDS = 7 * SECONDS_PER.day;
/** The shortest retention: long enough that a mistaken retirement can be undone. */
export const MIN_DELETE_AFTER_SECONDS = SECONDS_PER.hour;

/**
 * Two days. Secrets Manager may start a day-based rotation at any time of its UTC day, so a
 * healthy key can reach its interval plus almost 24 hours; the second day leaves room for a
 * retried rotation and the hourly sweep before anyone is paged (the alarm) or a consumer is
 * shown as failing (`keyplane status`).
 */
export const DEFAULT_OVERDUE_MARGIN_SECONDS = 2 * SECONDS_PER.day;

/** The longest period (retention, overdue margin) the function accepts: ten years. */
export const MAX_PERIOD_SECONDS = 10 * 365 * SECONDS_PER.day;

/** The schedule of a consumer that sets none. */
export const DEFAULT_ROTATION_SCHEDULE = 'rate(30 days)';

/** A consumer's default key prefix holds at most this many of its name's letters and digits. */
export const DEFAULT_KEY_PREFIX_LENGTH = 24;

/** The key prefix of a consumer that sets none: its name's letters and digits, at most 24. */
export function defaultKeyPrefix(consumer: string): string {
  return consumer.replace(/[^A-Za-z0-9]/g, '').slice(0, DEFAULT_KEY_PREFIX_LENGTH);
}
