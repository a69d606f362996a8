/**
 * The quotas of a consumer's usage plans, as the deployer declared them (constructs/usage-plan.ts)
 * and the policy document carries them (contract/deployer-policy.ts), so the quota carry knows
 * each plan's quota without asking API Gateway (no GetUsagePlans list call).
 */

/** The period a quota counts requests over. */
export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

/** The largest offset API Gateway accepts for each quota period. */
export const MAX_QUOTA_OFFSET: Readonly<Record<QuotaPeriod, number>> = {
  DAY: 0,
  WEEK: 6,
  MONTH: 27,
};

/** One plan's quota: `limit` requests per `period`, its start moved by `offset` days. */
export interface PlanQuotaPolicy {
  /** Id of one of the consumer's usage plans. */
  readonly planId: string;
  /** Requests allowed per period; a positive integer. */
  readonly limit: number;
  readonly period: QuotaPeriod;
  /** Days the period's start is moved by: 0 for DAY, 0-6 for WEEK, 0-27 for MONTH. */
  readonly offset: number;
}

/** A field of a plan quota that breaks its rule. */
export interface PlanQuotaProblem {
  /** `planId`, `limit`, `period` or `offset`. */
  readonly field: string;
  readonly rule: string;
}

/**
 * The quota's first field that breaks its rule, or undefined. `planIds` are the consumer's
 * plans, which the quota's plan must be one of.
 */
export function planQuotaProblem(
  quota: Partial<Record<keyof PlanQuotaPolicy, unknown>>,
  planIds: readonly string[]
): PlanQuotaProblem | undefined {
  if (typeof quota.planId !== 'string' || !planIds.includes(quota.planId)) {
    return { field: 'planId', rule: "must be one of the consumer's usagePlanIds" };
  }
  if (!Number.isSafeInteger(quota.limit) || (quota.limit as number) < 1) {
    return { field: 'limit', rule: 'must be a positive whole number of requests' };
  }
  if (quota.period !== 'DAY' && quota.period !== 'WEEK' && quota.period !== 'MONTH') {
    return { field: 'period', rule: 'must be DAY, WEEK or MONTH' };
  }
  const max = MAX_QUOTA_OFFSET[quota.period];
  if (
    !Number.isSafeInteger(quota.offset) ||
    (quota.offset as number) < 0 ||
    (quota.offset as number) > max
  ) {
    return {
      field: 'offset',
      rule: `must be a whole number of days from 0 to ${max} for ${quota.period}`,
    };
  }
  return undefined;
}
