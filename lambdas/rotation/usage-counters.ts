/**
 * API Gateway's usage counters, as the quota carry and the sweep read and set them: GetUsage
 * (requests and remaining quota per key and UTC day) and UpdateUsage (`replace /remaining`, the
 * key's remaining quota for the rest of the current period), and the plans' quotas.
 */
import {
  GetUsageCommand,
  GetUsagePlansCommand,
  UpdateUsageCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { API_GATEWAY_PAGE_SIZE } from './api-key-store';

/** A plan's quota: `limit` requests per `period`. */
export interface PlanQuota {
  readonly limit: number;
  readonly period: 'DAY' | 'WEEK' | 'MONTH';
}

/** A usage plan and its quota, when it has one. */
export interface PlanInfo {
  readonly id: string;
  readonly quota?: PlanQuota;
}

/** One key's counters in one plan over a range of days, oldest first. */
export interface KeyDays {
  /** Requests per day. */
  readonly used: readonly number[];
  /** Remaining quota at the end of the last day, when API Gateway reported one. */
  readonly remaining?: number;
}

export class UsageCounters {
  constructor(private readonly client: APIGatewayClient) {}

  /** Plans with their quotas: every plan, or those `keyId` belongs to (500 a call). */
  async plans(keyId?: string): Promise<PlanInfo[]> {
    const plans: PlanInfo[] = [];
    let position: string | undefined;
    do {
      const page = await this.client.send(
        new GetUsagePlansCommand({ keyId, limit: API_GATEWAY_PAGE_SIZE, position })
      );
      for (const plan of page.items ?? []) {
        if (plan.id === undefined) continue;
        const quota = toQuota(plan.quota?.limit, plan.quota?.period);
        plans.push(quota === undefined ? { id: plan.id } : { id: plan.id, quota });
      }
      position = page.position === position ? undefined : page.position;
    } while (position !== undefined);
    return plans;
  }

  /** One key's counters in one plan from `startDate` to `endDate` (yyyy-MM-dd, UTC). */
  async keyDays(
    planId: string,
    keyId: string,
    startDate: string,
    endDate: string
  ): Promise<KeyDays> {
    const out = await this.client.send(
      new GetUsageCommand({ usagePlanId: planId, keyId, startDate, endDate })
    );
    const days = out.items?.[keyId] ?? [];
    const last = days.at(-1);
    return {
      used: days.map((pair) => pair[0] ?? 0),
      ...(last?.[1] === undefined ? {} : { remaining: last[1] }),
    };
  }

  /** Sets what the key has left of the plan's quota for the rest of the current period. */
  async setRemaining(planId: string, keyId: string, remaining: number): Promise<void> {
    await this.client.send(
      new UpdateUsageCommand({
        usagePlanId: planId,
        keyId,
        patchOperations: [{ op: 'replace', path: '/remaining', value: String(remaining) }],
      })
    );
  }
}

function toQuota(limit: number | undefined, period: string | undefined): PlanQuota | undefined {
  if (limit === undefined || (period !== 'DAY' && period !== 'WEEK' && period !== 'MONTH')) {
    return undefined;
  }
  return { limit, period };
}
