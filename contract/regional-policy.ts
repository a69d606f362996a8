/**
 * A consumer's further regions (README, "Multi-region keys"): the function runs in the primary
 * region, the one of its stack, and makes the consumer's key there; every further region the
 * deployer declares gets a key with the same value, in that region's usage plans. Only the
 * policy document carries them (contract/deployer-policy.ts), never a tag.
 */
import { AWS_REGIONS } from './aws-limits';
import type { PlanQuotaPolicy } from './plan-quota';

/** One further region of a consumer: its plans there. */
export interface RegionalPolicy {
  /** An AWS region other than the function's. */
  readonly region: string;
  /** Usage plans in that region the key there must belong to; at least one, no duplicates. */
  readonly usagePlanIds: readonly string[];
  /**
   * Quotas of those plans that have one.
   * @default - none: no plan's quota in the region is carried
   */
  readonly planQuotas?: readonly PlanQuotaPolicy[];
}

/** A regional declaration's field that breaks its rule. */
export interface RegionalPolicyProblem {
  /** `region` or `usagePlanIds`, relative to the declaration. */
  readonly field: string;
  readonly rule: string;
}

/** What a further region may be, worded for messages. */
export const REGION_RULE = 'be an AWS region such as "eu-west-1"';

/** True when `region` is one of the AWS regions keyplane knows. */
export function isKnownRegion(region: string): boolean {
  return AWS_REGIONS.includes(region);
}

/**
 * The first rule a consumer's further regions break, or undefined. `primary`, when known, is
 * the function's own region, which is not a further region.
 */
export function regionalPolicyProblem(
  regions: readonly Pick<RegionalPolicy, 'region' | 'usagePlanIds'>[],
  primary: string | undefined
): { readonly index: number; readonly problem: RegionalPolicyProblem } | undefined {
  for (const [index, { region, usagePlanIds }] of regions.entries()) {
    const problem = (field: string, rule: string) => ({ index, problem: { field, rule } });
    if (!isKnownRegion(region)) return problem('region', `must ${REGION_RULE}`);
    if (region === primary) {
      return problem('region', `must not be ${primary}, the function's own region`);
    }
    if (regions.findIndex((r) => r.region === region) !== index) {
      return problem('region', `must not repeat ${region}`);
    }
    if (usagePlanIds.length === 0) {
      return problem('usagePlanIds', 'must name at least one usage plan in the region');
    }
  }
  return undefined;
}
