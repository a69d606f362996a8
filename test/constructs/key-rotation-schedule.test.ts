import { Duration, KeyRotationSchedule } from '../../constructs';
import { checkSchedule } from '../../constructs/managed-api-key-settings';
import { formatSeconds, shortestRotationGapSeconds } from '../../contract';

describe('KeyRotationSchedule', () => {
  test.each([
    [Duration.days(30), 'rate(30 days)'],
    [Duration.days(1), 'rate(1 day)'],
    [Duration.hours(4), 'rate(4 hours)'],
    [Duration.hours(36), 'rate(36 hours)'],
  ])('every(%s) renders %s', (interval, expression) => {
    expect(KeyRotationSchedule.every(interval).expressionString).toBe(expression);
  });

  test.each([
    ['rate(30 days)', '30d'],
    ['rate(4 hours)', '4h'],
    ['cron(0 8 1 * ? *)', '28d'],
    ['cron(0 */6 * * ? *)', '6h'],
    ['cron(0 8 ? * MON-FRI *)', '1d'],
    ['cron(0 0,20 * * ? *)', '4h'],
    ['cron(0 9 ? * MON *)', '7d'],
  ])('the shortest interval of %s is %s', (expression, interval) => {
    const spec = checkSchedule(KeyRotationSchedule.expression(expression), 's/k', 'schedule');
    expect(formatSeconds(shortestRotationGapSeconds(spec))).toBe(interval);
  });
});

describe('Duration', () => {
  test.each([
    ['30m', 1_800, '30m'],
    ['24h', 86_400, '24h'],
    ['36h', 129_600, '36h'],
    ['7d', 604_800, '7d'],
  ])('parses %s', (text, seconds, shown) => {
    const duration = Duration.parse(text);
    expect(duration.toSeconds()).toBe(seconds);
    expect(String(duration)).toBe(shown);
  });

  test.each<[string, () => Duration, RegExp]>([
    [
      'a negative number of hours',
      () => Duration.hours(-1),
      /Duration.hours: amount must be a non-negative number that makes whole seconds, got -1/,
    ],
    [
      'a fraction of a second',
      () => Duration.minutes(0.001),
      /Duration.minutes: amount must be a non-negative number that makes whole seconds, got 0.001/,
    ],
    [
      'an infinite number of days',
      () => Duration.days(Infinity),
      /Duration.days: amount must be a non-negative number that makes whole seconds, got Infinity/,
    ],
  ])('fails for %s', (_case, make, message) => {
    expect(make).toThrow(message);
  });

  test.each(['24', '1.5h', 'h', '2w', ' 3h'])('fails when the text is %j', (text) => {
    expect(() => Duration.parse(text)).toThrow(
      new RegExp(
        `Duration.parse: text must be a whole number followed by m, h or d \\(e.g. "24h"\\), got "${text.replace('.', '\\.')}"`
      )
    );
  });
});
