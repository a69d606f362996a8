/**
 * The sweep's EventBridge schedule: its shape, its default, and how often it runs. The
 * constructs check it, size the overdue alarm's period by it, and count a key as alive up to
 * one sweep after its deletion time in the capacity budget.
 */
import { SECONDS_PER } from './durations';

/** The sweep runs hourly unless the service says otherwise. */
export const DEFAULT_SWEEP_SCHEDULE = 'rate(1 hour)';

/**
 * An EventBridge schedule: rate(1 minute|N minutes|hours|days), or a 6-field cron() with `?`
 * in exactly one of day-of-month and day-of-week ("You can't specify the Day-of-month and
 * Day-of-week fields in the same cron expression. If you specify a value or a * in one of the
 * fields, you must use a ? in the other":
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html).
 */
export const EVENTBRIDGE_SCHEDULE =
  /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\(\S+ \S+ (\? \S+ [^?\s]\S*|[^?\s]\S* \S+ \?) \S+\))$/;

/** What {@link EVENTBRIDGE_SCHEDULE} allows, worded for messages. */
export const EVENTBRIDGE_SCHEDULE_RULE =
  'be an EventBridge schedule: rate(1 minute|hour|day), rate(N minutes|hours|days) or cron() with six fields and ? in exactly one of day-of-month and day-of-week';

const RATE = /^rate\((\d+) (minute|hour|day)s?\)$/;

/** Seconds between two sweeps of a `rate(...)` schedule; a `cron(...)` one counts as daily. */
export function sweepIntervalSeconds(schedule: string): number {
  const rate = RATE.exec(schedule);
  return rate
    ? Number(rate[1]) * SECONDS_PER[rate[2] as keyof typeof SECONDS_PER]
    : SECONDS_PER.day;
}
