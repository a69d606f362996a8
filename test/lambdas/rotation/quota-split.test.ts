import { periodStart, splitQuota, type Leader } from '../../../lambdas/rotation/quota-split';
import type { PlanQuota } from '../../../lambdas/rotation/usage-counters';
import { seededRandom } from '../../faults/support/seeded-random';

describe('periodStart (quota period boundaries, UTC)', () => {
  test.each([
    ['2026-11-30', 'DAY', '2026-11-30'],
    ['2026-12-03', 'DAY', '2026-12-03'], // a Thursday: a day is its own period, not its week
    ['2026-11-30', 'WEEK', '2026-11-30'], // a Monday
    ['2026-12-06', 'WEEK', '2026-11-30'], // the Sunday after it
    ['2027-01-01', 'WEEK', '2026-12-28'], // a week across the new year
    ['2026-11-30', 'MONTH', '2026-11-01'],
    ['2026-12-01', 'MONTH', '2026-12-01'],
  ] as const)('%s in a %s period starts %s', (day, period, start) => {
    expect(periodStart(day, period)).toBe(start);
  });
});

describe('splitQuota', () => {
  const quota: PlanQuota = { limit: 1000, period: 'MONTH' };

  test('the leader may spend the whole pool, the follower the slack of the limit', () => {
    expect(splitQuota(quota, 300, 'outgoing', 10)).toEqual({ outgoing: 700, current: 100 });
    expect(splitQuota(quota, 300, 'current', 10)).toEqual({ outgoing: 100, current: 700 });
  });

  test('the follower never gets more than the pool, and an exhausted pool gives both 0', () => {
    expect(splitQuota(quota, 950, 'current', 10)).toEqual({ outgoing: 50, current: 50 });
    expect(splitQuota(quota, 1200, 'current', 10)).toEqual({ outgoing: 0, current: 0 });
  });

  test('slack 0 stops the follower; slack 100 lets each key spend the pool', () => {
    expect(splitQuota(quota, 0, 'current', 0)).toEqual({ outgoing: 0, current: 1000 });
    expect(splitQuota(quota, 0, 'current', 100)).toEqual({ outgoing: 1000, current: 1000 });
  });

  test('slack rounds up: a follower of a small quota still gets a request', () => {
    expect(splitQuota({ limit: 5, period: 'DAY' }, 0, 'outgoing', 10)).toEqual({
      outgoing: 5,
      current: 1,
    });
  });
});

describe('the bound: two keys spend at most limit + slack in a period', () => {
  // Random traffic on both keys between sweeps, each sweep re-splitting from what was spent; a
  // key's requests beyond its remaining quota are refused, as API Gateway does.
  test.each([1, 2, 3, 4, 5])('seed %i: 200 sweeps of random traffic', (seed) => {
    const random = seededRandom(seed);
    const quota: PlanQuota = { limit: 10_000, period: 'MONTH' };
    const slackPercent = 10;
    const slack = Math.ceil((quota.limit * slackPercent) / 100);
    // At the rotation: the outgoing key has its own remaining, the new key the carried share.
    let spent = Math.floor(random() * quota.limit);
    let remaining = splitQuota(quota, spent, 'outgoing', slackPercent);
    for (let sweepNo = 0; sweepNo < 200; sweepNo++) {
      const asked = { outgoing: Math.floor(random() * 400), current: Math.floor(random() * 400) };
      const served = {
        outgoing: Math.min(asked.outgoing, remaining.outgoing),
        current: Math.min(asked.current, remaining.current),
      };
      spent += served.outgoing + served.current;
      expect(spent).toBeLessThanOrEqual(quota.limit + slack);
      const leader: Leader = served.outgoing > served.current ? 'outgoing' : 'current';
      remaining = splitQuota(quota, spent, leader, slackPercent);
    }
  });
});
