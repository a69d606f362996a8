/**
 * How a plan's quota is shared between a consumer's two enabled keys during a grace period — a
 * pure function of the plan's quota and the keys' counters, so every rule is tested without AWS.
 *
 * API Gateway counts each key on its own, so two enabled keys could spend the quota twice. The
 * consumer's pool is what the plan allows in the current period less what both keys spent in
 * it. The key that carries the consumer's traffic (the leader) may spend the whole pool; the
 * other (the follower) at most the slack: `ceil(limit * slackPercent / 100)`. Whatever both do
 * between two sweeps, they spend at most the pool plus the slack, and the next sweep starts
 * again from what was really spent, so in a quota period the two keys together spend at most
 * `limit + slack` (docs/configuration.md states the exceptions).
 *
 * At a rotation the outgoing key is the leader (the consumer is still on it): the new key gets
 * the follower's share of the pool; the sweep then follows the traffic, and when the outgoing key
 * is retired the current key gets the whole pool back.
 */
import type { PlanQuota } from './usage-counters';

/** Which of the two keys carries the consumer's traffic. */
export type Leader = 'outgoing' | 'current';

/** Remaining quota to set on each key of the pair. */
export interface QuotaSplit {
  readonly outgoing: number;
  readonly current: number;
}

/** The UTC day of an instant, as GetUsage takes it (yyyy-MM-dd). */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * First day of the quota period that `day` falls in: the day itself (DAY), the Monday of its
 * week (WEEK), the 1st of its month (MONTH), all in UTC.
 */
export function periodStart(day: string, period: PlanQuota['period']): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (period === 'MONTH') return `${day.slice(0, 8)}01`;
  if (period === 'WEEK') {
    const sinceMonday = (date.getUTCDay() + 6) % 7;
    return utcDay(new Date(date.getTime() - sinceMonday * 86_400_000));
  }
  return day;
}

/** What the follower may spend between two sweeps. */
export function slackOf(amount: number, slackPercent: number): number {
  return Math.ceil((amount * slackPercent) / 100);
}

/** The split of the pool left after `spent` requests of both keys in the current period. */
export function splitQuota(
  quota: PlanQuota,
  spent: number,
  leader: Leader,
  slackPercent: number
): QuotaSplit {
  const pool = Math.max(0, quota.limit - spent);
  const follower = Math.min(pool, slackOf(quota.limit, slackPercent));
  return leader === 'outgoing'
    ? { outgoing: pool, current: follower }
    : { outgoing: follower, current: pool };
}
