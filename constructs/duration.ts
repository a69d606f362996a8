import { DURATION_RULE, parseDurationSeconds, SECONDS_PER } from '../contract/durations';
import { invalidValue } from './errors';

/**
 * A span of time, as used for grace periods, rotation windows and retention.
 *
 * @example
 * Duration.hours(24); Duration.parse('7d');
 */
export class Duration {
  /** A duration of `amount` minutes. */
  static minutes(amount: number): Duration {
    return Duration.of('minutes', 'm', amount, SECONDS_PER.minute);
  }

  /** A duration of `amount` hours. */
  static hours(amount: number): Duration {
    return Duration.of('hours', 'h', amount, SECONDS_PER.hour);
  }

  /** A duration of `amount` days. */
  static days(amount: number): Duration {
    return Duration.of('days', 'd', amount, SECONDS_PER.day);
  }

  /** Parses `<whole number><m|h|d>`, e.g. `30m`, `24h`, `7d`. */
  static parse(text: string): Duration {
    const seconds = parseDurationSeconds(text);
    if (seconds === undefined) throw invalidValue('Duration.parse', 'text', text, DURATION_RULE);
    return new Duration(seconds, text);
  }

  private static of(unit: string, suffix: string, amount: number, unitSeconds: number): Duration {
    const seconds = amount * unitSeconds;
    if (!Number.isFinite(amount) || amount < 0 || !Number.isSafeInteger(seconds)) {
      throw invalidValue(
        `Duration.${unit}`,
        'amount',
        amount,
        'be a non-negative number that makes whole seconds'
      );
    }
    return new Duration(seconds, `${amount}${suffix}`);
  }

  private constructor(
    private readonly seconds: number,
    /** The duration as the user wrote it, for messages. */
    private readonly written: string
  ) {}

  /** Whole seconds. */
  toSeconds(): number {
    return this.seconds;
  }

  /** Whole hours, rounded up: Secrets Manager's rotation window is given in hours. */
  toHoursCeil(): number {
    return Math.ceil(this.seconds / SECONDS_PER.hour);
  }

  /** The duration as it was written, e.g. `36h` for `Duration.hours(36)`. */
  toString(): string {
    return this.written;
  }
}
