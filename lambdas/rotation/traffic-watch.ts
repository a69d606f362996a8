/**
 * The sweep's look at one outgoing key still enabled after a rotation: reads both keys' usage
 * counters in each plan the outgoing key is in (one GetUsage per key and plan; the current
 * key's only when the quota is carried), decides from
 * them (traffic-decision.ts) whether to retire it early, keep it, hold it past its grace period
 * or retire it, and, while it stays, how to share each plan's quota between the two keys
 * (quota-split.ts). It changes nothing itself: the sweep applies the outcome, within its budget
 * and after the ownership proof of each key it changes.
 */
import { KeyTag } from '../../contract';
import type { ConsumerPolicy } from './consumer-policy';
import { instantTag, type ManagedKey } from './managed-key';
import { periodStart, splitQuota, utcDay } from './quota-split';
import {
  decideRetirement,
  diffTraffic,
  formatMark,
  leaderOf,
  parseMark,
  sampleFrom,
  type RetirementVerdict,
} from './traffic-decision';
import type { PlanInfo, UsageCounters } from './usage-counters';

/** The outgoing key, the consumer's current key and their plans, as the sweep listed them. */
export interface WatchedPair {
  readonly outgoing: ManagedKey;
  readonly retireAfter: Date;
  readonly current?: ManagedKey;
  readonly policy: ConsumerPolicy;
  readonly outgoingPlans: ReadonlySet<string>;
  readonly currentPlans: ReadonlySet<string>;
}

/** A remaining quota to set with UpdateUsage. */
export interface QuotaChange {
  readonly planId: string;
  readonly keyId: string;
  readonly remaining: number;
}

export interface WatchOutcome {
  readonly verdict: RetirementVerdict;
  /** Tags to write on the outgoing key (the new mark, last traffic, hold); empty when unchanged. */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Remaining quotas to set, the follower's first (a crash in between never grows the pool);
   * for a key to retire, the current key's whole pool, set before the retirement.
   */
  readonly quota: readonly QuotaChange[];
}

const DAY_MS = 86_400_000;

export async function watchPair(
  usage: UsageCounters,
  plans: ReadonlyMap<string, PlanInfo>,
  pair: WatchedPair,
  now: Date
): Promise<WatchOutcome> {
  const { outgoing, current, policy } = pair;
  const today = utcDay(now);
  const mark = parseMark(outgoing.usageMark);
  const from = sampleFrom(mark, today);
  const sample = { today, outgoingSince: 0, currentSince: 0, outgoingToday: 0, currentToday: 0 };
  const pools: { planId: string; spent: number; outgoing?: number; current?: number }[] = [];

  for (const planId of [...pair.outgoingPlans].sort()) {
    const shared = current !== undefined && pair.currentPlans.has(planId);
    const quota = policy.carryQuota && shared ? plans.get(planId)?.quota : undefined;
    const start = quota === undefined ? from : minDay(from, periodStart(today, quota.period));
    const skip = daysBetween(start, from);
    const out = await usage.keyDays(planId, outgoing.id, start, today);
    // The current key's counters matter only for sharing the quota (who leads).
    const cur =
      shared && policy.carryQuota
        ? await usage.keyDays(planId, current.id, start, today)
        : undefined;
    sample.outgoingSince += sum(out.used.slice(skip));
    sample.outgoingToday += out.used.at(-1) ?? 0;
    sample.currentSince += sum(cur?.used.slice(skip) ?? []);
    sample.currentToday += cur?.used.at(-1) ?? 0;
    if (quota !== undefined) {
      const inPeriod = daysBetween(start, periodStart(today, quota.period));
      const spent = sum(out.used.slice(inPeriod)) + sum(cur?.used.slice(inPeriod) ?? []);
      pools.push({ planId, spent, outgoing: out.remaining, current: cur?.remaining });
    }
  }

  const delta = diffTraffic(mark, sample, now);
  const movedNow = delta.outgoing === undefined ? undefined : delta.outgoing > 0;
  const lastTraffic = movedNow === true ? now : outgoing.lastTraffic;
  const verdict = decideRetirement({
    now,
    retireAfter: pair.retireAfter,
    ...(lastTraffic === undefined ? {} : { lastTraffic }),
    readSince: delta.mark.since,
    ...(movedNow === undefined ? {} : { movedNow }),
    heldSince: outgoing.heldSince,
    quietPeriodSeconds: policy.quietPeriodSeconds,
    maxHoldSeconds: policy.maxHoldSeconds,
  });
  // A key about to be retired leaves the whole pool to the current key.
  const retiring = verdict.kind === 'retire';
  const leader = retiring ? 'current' : leaderOf(delta);
  const quota: QuotaChange[] = [];
  for (const pool of pools) {
    const limit = plans.get(pool.planId)?.quota;
    if (limit === undefined || current === undefined) continue;
    const split = splitQuota(limit, pool.spent, leader, policy.quotaSlackPercent);
    if (split.current !== pool.current) {
      quota.push({ planId: pool.planId, keyId: current.id, remaining: split.current });
    }
    if (!retiring && split.outgoing !== pool.outgoing) {
      quota.push({ planId: pool.planId, keyId: outgoing.id, remaining: split.outgoing });
    }
  }
  if (retiring) return { verdict, tags: {}, quota };
  // The follower's cut before the leader's raise: a crash in between leaves the pool smaller.
  quota.sort((a, b) => a.remaining - b.remaining);

  const tags: Record<string, string> = {};
  const newMark = formatMark(delta.mark);
  if (newMark !== outgoing.usageMark) tags[KeyTag.USAGE_MARK] = newMark;
  if (lastTraffic !== undefined && lastTraffic.getTime() !== outgoing.lastTraffic?.getTime()) {
    tags[KeyTag.LAST_TRAFFIC] = instantTag(lastTraffic);
  }
  if (verdict.kind === 'hold' && outgoing.heldSince === undefined) {
    tags[KeyTag.HELD_SINCE] = instantTag(verdict.since);
  }
  return { verdict, tags, quota };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}

/** Whole days from `a` to `b` (yyyy-MM-dd). */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}
