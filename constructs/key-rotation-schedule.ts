import { rateExpression } from '../contract/rotation-schedule';
import type { Duration } from './duration';

/**
 * When Secrets Manager rotates a consumer's key. (Not aws-cdk's `RotationSchedule` construct:
 * this is a value, the schedule expression of a {@link ManagedApiKey}.)
 *
 * @example
 * KeyRotationSchedule.every(Duration.days(30));
 * KeyRotationSchedule.expression('cron(0 8 ? * MON *)');
 */
export class KeyRotationSchedule {
  /** Every `interval`: whole hours from 4h to 23h, or whole days from 1d to 1000d. */
  static every(interval: Duration): KeyRotationSchedule {
    return new KeyRotationSchedule(rateExpression(interval.toSeconds()));
  }

  /** A Secrets Manager schedule expression: `rate(N hours|days)` or a 6-field `cron(...)`. */
  static expression(text: string): KeyRotationSchedule {
    return new KeyRotationSchedule(text);
  }

  private constructor(
    /** The schedule expression handed to Secrets Manager. */
    readonly expressionString: string
  ) {}
}
