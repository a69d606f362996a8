import awsCronParser from 'aws-cron-parser';
import { Duration } from './duration';
import { invalidValue } from './errors';

/** Secrets Manager will not rotate a secret more often than every 4 hours. */
export const MIN_ROTATION_INTERVAL = Duration.hours(4);

const RATE = /^rate\((\d+) (hours?|days?)\)$/;
const CRON = /^cron\((.+)\)$/;
/** How far ahead a cron schedule is expanded to find its shortest gap between two rotations. */
const CRON_HORIZON_MS = 2 * 366 * 86_400_000;
const CRON_MAX_OCCURRENCES = 1_000;
/** A fixed start keeps the expansion, and so synth output, deterministic. */
const CRON_REFERENCE = new Date(Date.UTC(2027, 0, 1));

/**
 * When Secrets Manager rotates a consumer's secret.
 *
 * @example
 * RotationSchedule.every(Duration.days(30));
 * RotationSchedule.expression('cron(0 8 ? * MON *)');
 */
export class RotationSchedule {
  /** Every `interval`, in whole hours (at least 4) or whole days. */
  static every(interval: Duration): RotationSchedule {
    const seconds = interval.toSeconds();
    const text =
      seconds % 86_400 === 0 ? `rate(${seconds / 86_400} days)` : `rate(${seconds / 3_600} hours)`;
    return new RotationSchedule(text.replace(/^rate\(1 (day|hour)s\)$/, 'rate(1 $1)'));
  }

  /** A Secrets Manager schedule expression: `rate(N hours|days)` or a 6-field `cron(...)`. */
  static expression(text: string): RotationSchedule {
    return new RotationSchedule(text);
  }

  private constructor(
    /** The schedule expression handed to Secrets Manager. */
    readonly expressionString: string
  ) {}

  /**
   * Checks the expression and returns the shortest time between two rotations.
   * `path` and `field` name the schedule in errors.
   */
  minimumInterval(path: string, field: string): Duration {
    const text = this.expressionString;
    const rate = RATE.exec(text);
    const interval = rate
      ? rateInterval(Number(rate[1]), rate[2], path, field, text)
      : cronInterval(CRON.exec(text)?.[1], path, field, text);
    if (interval.toSeconds() < MIN_ROTATION_INTERVAL.toSeconds()) {
      throw invalidValue(
        path,
        field,
        text,
        `leave at least ${MIN_ROTATION_INTERVAL} between rotations (Secrets Manager's minimum), but it allows ${interval}`
      );
    }
    return interval;
  }
}

function rateInterval(
  amount: number,
  unit: string,
  path: string,
  field: string,
  text: string
): Duration {
  const singular = !unit.endsWith('s');
  if (!Number.isSafeInteger(amount) || amount < 1 || singular !== (amount === 1)) {
    throw invalidValue(
      path,
      field,
      text,
      'be rate(N hours) or rate(N days) with a positive whole N ("hour"/"day" when N is 1)'
    );
  }
  return unit.startsWith('hour') ? Duration.hours(amount) : Duration.days(amount);
}

const cronCache = new Map<string, Duration>();

function cronInterval(
  body: string | undefined,
  path: string,
  field: string,
  text: string
): Duration {
  const fields = body?.trim().split(/\s+/);
  if (!body || !fields || fields.length !== 6) {
    throw invalidValue(
      path,
      field,
      text,
      'be rate(N hours|days) or cron(minutes hours day-of-month month day-of-week year), six fields'
    );
  }
  if (fields[0] !== '0') {
    throw invalidValue(
      path,
      field,
      text,
      'have 0 in the minutes field of a cron() schedule (Secrets Manager rotates on the hour)'
    );
  }
  if (fields[5] !== '*') {
    throw invalidValue(path, field, text, 'have * in the year field of a cron() schedule');
  }
  const cached = cronCache.get(body);
  if (cached) return cached;
  const occurrences = cronOccurrences(body, path, field, text);
  if (occurrences.length < 2) {
    throw invalidValue(path, field, text, 'fire at least twice within two years');
  }
  let shortestMs = Infinity;
  for (let i = 1; i < occurrences.length; i++) {
    shortestMs = Math.min(shortestMs, occurrences[i] - occurrences[i - 1]);
  }
  const interval = Duration.minutes(Math.round(shortestMs / 60_000));
  cronCache.set(body, interval);
  return interval;
}

function cronOccurrences(body: string, path: string, field: string, text: string): number[] {
  let cron: ReturnType<typeof awsCronParser.parse>;
  try {
    cron = awsCronParser.parse(body);
  } catch (error) {
    throw invalidValue(
      path,
      field,
      text,
      `be a valid AWS cron expression (${(error as Error).message})`
    );
  }
  const end = CRON_REFERENCE.getTime() + CRON_HORIZON_MS;
  const times: number[] = [];
  let next: Date | null = awsCronParser.next(cron, CRON_REFERENCE);
  while (next && next.getTime() <= end && times.length < CRON_MAX_OCCURRENCES) {
    times.push(next.getTime());
    next = awsCronParser.next(cron, new Date(next.getTime() + 60_000));
  }
  return times;
}
