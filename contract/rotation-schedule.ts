/**
 * Secrets Manager rotation schedules: `rate(N hours|days)` and six-field `cron(...)`, with the
 * rules Secrets Manager applies to them and to the rotation window (its `Duration`), per
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html.
 * The constructs check a schedule with {@link parseRotationSchedule} at synth time; the
 * rotation Lambda works out when a rotation is due with {@link nextRotationAfter}.
 */
import awsCronParser from 'aws-cron-parser';
import { formatSeconds, SECONDS_PER } from './durations';

/** Secrets Manager rotates a secret at most every four hours. */
export const MIN_ROTATION_INTERVAL_SECONDS = 4 * SECONDS_PER.hour;
/** The longest `rate(N days)`: Secrets Manager's AutomaticallyAfterDays range is 1-1000. */
export const MAX_RATE_DAYS = 1000;
/** The longest `rate(N hours)`; longer intervals are written in days. */
export const MAX_RATE_HOURS = 23;
/** The rotation window (`Duration`) is whole hours from 1h to 24h. */
export const MAX_ROTATION_WINDOW_SECONDS = 24 * SECONDS_PER.hour;

/** A schedule Secrets Manager accepts. */
export type RotationScheduleSpec = RateSchedule | CronSchedule;

export interface RateSchedule {
  readonly kind: 'rate';
  readonly unit: 'hours' | 'days';
  readonly amount: number;
  readonly intervalSeconds: number;
}

export interface CronSchedule {
  readonly kind: 'cron';
  /** The six fields, as written. */
  readonly body: string;
  /** Hours of the day (UTC) a rotation window opens. */
  readonly startHours: readonly number[];
  /** The shortest time between two rotations, over two years of occurrences. */
  readonly shortestGapSeconds: number;
}

/** Why an expression is not a schedule Secrets Manager accepts. */
export interface ScheduleProblem {
  readonly rule: string;
}

const RATE = /^rate\((\d+) (hours?|days?)\)$/;
const CRON = /^cron\((.*)\)$/;
/** How far ahead a cron schedule is expanded to find its shortest gap between two rotations. */
const CRON_HORIZON_MS = 2 * 366 * SECONDS_PER.day * 1000;
const CRON_MAX_OCCURRENCES = 1_000;
/** A fixed start keeps the expansion, and so synth output, deterministic. */
const CRON_REFERENCE = new Date(Date.UTC(2027, 0, 1));

/** What a schedule may be, worded for messages. */
export const SCHEDULE_RULE =
  'be rate(N hours) with N from 4 to 23, rate(N days) with N from 1 to 1000, or cron(0 hours day-of-month month day-of-week *)';

/** Parses and checks a schedule expression. */
export function parseRotationSchedule(text: string): RotationScheduleSpec | ScheduleProblem {
  const rate = RATE.exec(text);
  if (rate) return parseRate(Number(rate[1]), rate[2]);
  const cron = CRON.exec(text);
  if (cron) return parseCron(cron[1]);
  return { rule: SCHEDULE_RULE };
}

/** True when the value is a problem, not a schedule. */
export function isScheduleProblem(
  value: RotationScheduleSpec | ScheduleProblem
): value is ScheduleProblem {
  return 'rule' in value;
}

/** The shortest time between two rotations of a schedule. */
export function shortestRotationGapSeconds(spec: RotationScheduleSpec): number {
  return spec.kind === 'rate' ? spec.intervalSeconds : spec.shortestGapSeconds;
}

/** The rate expression of an interval of whole hours or days, e.g. `rate(1 day)`. */
export function rateExpression(intervalSeconds: number): string {
  const days = intervalSeconds / SECONDS_PER.day;
  if (Number.isInteger(days)) return `rate(${days} ${days === 1 ? 'day' : 'days'})`;
  const hours = intervalSeconds / SECONDS_PER.hour;
  return `rate(${hours} ${hours === 1 ? 'hour' : 'hours'})`;
}

/**
 * Why a rotation window (seconds) does not fit the schedule, or undefined when it does: whole
 * hours from 1h to 24h, not into the next rotation window, not into the next UTC day.
 */
export function rotationWindowProblem(
  spec: RotationScheduleSpec,
  windowSeconds: number
): string | undefined {
  const hours = windowSeconds / SECONDS_PER.hour;
  if (!Number.isInteger(hours) || hours < 1 || hours > 24) return 'be whole hours from 1h to 24h';
  const gap = shortestRotationGapSeconds(spec);
  if (windowSeconds > gap) {
    return `not reach into the next rotation window: at most ${formatSeconds(gap)}, the shortest time between rotations`;
  }
  if (spec.kind === 'cron') {
    const latest = Math.max(...spec.startHours);
    if (latest + hours > 24) {
      return `not reach into the next UTC day: the window opens at ${latest}:00, so at most ${24 - latest}h`;
    }
  }
  return undefined;
}

/** When the first rotation after `from` is due; undefined when the schedule never fires. */
export function nextRotationAfter(spec: RotationScheduleSpec, from: Date): Date | undefined {
  if (spec.kind === 'rate') return new Date(from.getTime() + spec.intervalSeconds * 1000);
  const cron = awsCronParser.parse(spec.body);
  return nextRealOccurrence(cron, from, from.getTime() + CRON_HORIZON_MS);
}

function parseRate(amount: number, unit: string): RateSchedule | ScheduleProblem {
  const hours = unit.startsWith('hour');
  const max = hours ? MAX_RATE_HOURS : MAX_RATE_DAYS;
  const min = hours ? MIN_ROTATION_INTERVAL_SECONDS / SECONDS_PER.hour : 1;
  if (!Number.isSafeInteger(amount) || amount < min || amount > max) {
    return {
      rule: hours
        ? `have N from ${min} to ${max} in rate(N hours) (Secrets Manager rotates at most every 4 hours; write longer intervals in days)`
        : `have N from 1 to ${max} in rate(N days) (Secrets Manager's range)`,
    };
  }
  return {
    kind: 'rate',
    unit: hours ? 'hours' : 'days',
    amount,
    intervalSeconds: amount * (hours ? SECONDS_PER.hour : SECONDS_PER.day),
  };
}

const cronCache = new Map<string, CronSchedule | ScheduleProblem>();

function parseCron(body: string): CronSchedule | ScheduleProblem {
  let parsed = cronCache.get(body);
  if (!parsed) cronCache.set(body, (parsed = checkCron(body)));
  return parsed;
}

function checkCron(body: string): CronSchedule | ScheduleProblem {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    return {
      rule: 'have six fields in cron(minutes hours day-of-month month day-of-week year)',
    };
  }
  if (fields[0] !== '0') {
    return { rule: 'have 0 in the minutes field of cron() (rotation windows open on the hour)' };
  }
  if (fields[5] !== '*') return { rule: 'have * in the year field of cron()' };
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return { rule: 'have ? in exactly one of day-of-month and day-of-week in cron()' };
  }
  let cron: ReturnType<typeof awsCronParser.parse>;
  try {
    cron = awsCronParser.parse(body);
  } catch (error) {
    return { rule: `be a valid cron() expression (${(error as Error).message})` };
  }
  const times = occurrences(cron);
  if (times.length === 0) {
    return { rule: 'name a date that exists (e.g. not 31 in a month of 30 days, or 30 February)' };
  }
  if (times.length < 2)
    return { rule: "fire at least once a year (Secrets Manager's longest schedule)" };
  let shortestMs = Infinity;
  for (let i = 1; i < times.length; i++) shortestMs = Math.min(shortestMs, times[i] - times[i - 1]);
  const shortestGapSeconds = Math.round(shortestMs / 1000);
  if (shortestGapSeconds < MIN_ROTATION_INTERVAL_SECONDS) {
    return {
      rule: `leave at least ${formatSeconds(MIN_ROTATION_INTERVAL_SECONDS)} between rotations (Secrets Manager's minimum), but it allows ${formatSeconds(shortestGapSeconds)}`,
    };
  }
  const startHours = [...new Set(times.map((t) => new Date(t).getUTCHours()))].sort(
    (a, b) => a - b
  );
  return {
    kind: 'cron',
    body,
    startHours,
    shortestGapSeconds,
  };
}

type Cron = ReturnType<typeof awsCronParser.parse>;

/** The real occurrences over two years from the reference instant. */
function occurrences(cron: Cron): number[] {
  const end = CRON_REFERENCE.getTime() + CRON_HORIZON_MS;
  const times: number[] = [];
  let next = nextRealOccurrence(cron, CRON_REFERENCE, end);
  while (next && times.length < CRON_MAX_OCCURRENCES) {
    times.push(next.getTime());
    next = nextRealOccurrence(cron, new Date(next.getTime() + 60_000), end);
  }
  return times;
}

/**
 * The next occurrence that is a real date. aws-cron-parser rolls an impossible date over (31
 * April becomes 1 May), which Secrets Manager does not: such occurrences are skipped.
 */
function nextRealOccurrence(cron: Cron, from: Date, endMs: number): Date | undefined {
  let next = awsCronParser.next(cron, from);
  while (next && next.getTime() <= endMs) {
    if (isRealOccurrence(cron, next)) return next;
    next = awsCronParser.next(cron, new Date(next.getTime() + 60_000));
  }
  return undefined;
}

function isRealOccurrence(cron: Cron, date: Date): boolean {
  const days = cron.daysOfMonth as readonly unknown[];
  const months = cron.months as readonly unknown[];
  if (!months.includes(date.getUTCMonth() + 1)) return false;
  if (days.length > 0 && typeof days[0] === 'number' && !days.includes(date.getUTCDate())) {
    return false;
  }
  return true;
}
