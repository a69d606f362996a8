import { invalidValue } from './errors';

/** `<whole number><m|h|d>`, the text form of a {@link Duration}. */
export const DURATION_PATTERN = /^(\d+)([mhd])$/;

const UNIT_SECONDS = { m: 60, h: 3600, d: 86400 } as const;

/**
 * A span of time, as used for grace periods, rotation windows and retention.
 *
 * @example
 * Duration.hours(24); Duration.parse('7d');
 */
export class Duration {
  /** A duration of `amount` minutes. */
  static minutes(amount: number): Duration {
    return Duration.of('minutes', amount, UNIT_SECONDS.m);
  }

  /** A duration of `amount` hours. */
  static hours(amount: number): Duration {
    return Duration.of('hours', amount, UNIT_SECONDS.h);
  }

  /** A duration of `amount` days. */
  static days(amount: number): Duration {
    return Duration.of('days', amount, UNIT_SECONDS.d);
  }

  /** Parses `<whole number><m|h|d>`, e.g. `30m`, `24h`, `7d`. */
  static parse(text: string): Duration {
    const match = DURATION_PATTERN.exec(text);
    if (!match) {
      throw invalidValue(
        'Duration.parse',
        'text',
        text,
        'be a whole number followed by m, h or d (e.g. "24h")'
      );
    }
    return new Duration(Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS]);
  }

  private static of(unit: string, amount: number, unitSeconds: number): Duration {
    const seconds = amount * unitSeconds;
    if (!Number.isFinite(amount) || amount < 0 || !Number.isSafeInteger(seconds)) {
      throw invalidValue(
        `Duration.${unit}`,
        'amount',
        amount,
        'be a non-negative number that makes whole seconds'
      );
    }
    return new Duration(seconds);
  }

  private constructor(private readonly seconds: number) {}

  /** Whole seconds. */
  toSeconds(): number {
    return this.seconds;
  }

  /** Whole hours, rounded up: Secrets Manager's rotation window is given in hours. */
  toHoursCeil(): number {
    return Math.ceil(this.seconds / UNIT_SECONDS.h);
  }

  /** A readable form for messages, e.g. `36h` or `90m`. */
  toString(): string {
    if (this.seconds % UNIT_SECONDS.d === 0 && this.seconds > 0)
      return `${this.seconds / UNIT_SECONDS.d}d`;
    if (this.seconds % UNIT_SECONDS.h === 0) return `${this.seconds / UNIT_SECONDS.h}h`;
    if (this.seconds % UNIT_SECONDS.m === 0) return `${this.seconds / UNIT_SECONDS.m}m`;
    return `${this.seconds}s`;
  }
}
