/**
 * The further regions of a consumer's key (contract/regional-policy.ts, README "Multi-region
 * keys"): the function runs in the primary region and reaches API Gateway in each further one
 * through a client of that region, made once per container. A consumer's policy in a region is
 * its policy with that region's plans; the rotation steps, retirement and the sweep then work
 * on a region exactly as on the primary one.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ConsumerPolicy, IssuedKeyValue, RegionalPolicy } from '../../contract';
import { ApiKeyStore } from './api-key-store';
import type { RotationEnv } from './env';
import { UsageCounters } from './usage-counters';

/** API Gateway in one region, as the function uses it. */
export interface RegionalApiGateway {
  readonly region: string;
  readonly keys: ApiKeyStore;
  readonly usage: UsageCounters;
}

/** API Gateway per further region, made on first use. */
export class KeyRegions {
  private readonly made = new Map<string, RegionalApiGateway>();

  constructor(private readonly clientIn: (region: string) => APIGatewayClient) {}

  /** API Gateway in `region`. */
  in(region: string): RegionalApiGateway {
    let made = this.made.get(region);
    if (made === undefined) {
      const client = this.clientIn(region);
      made = { region, keys: new ApiKeyStore(client, region), usage: new UsageCounters(client) };
      this.made.set(region, made);
    }
    return made;
  }
}

/** The consumer's further regions, in the order the deployer declared them. */
export function furtherRegions(policy: ConsumerPolicy): readonly RegionalPolicy[] {
  return policy.regions ?? [];
}

/**
 * The consumer's policy as it applies in a further region: that region's plans and quotas, no
 * further regions. A consumer that does not declare the region has no plans there, so a key it
 * still has there is taken out of every plan and retired after its next rotation.
 */
export function policyInRegion(policy: ConsumerPolicy, region: string): ConsumerPolicy {
  const { regions: _all, planQuotas: _primaryQuotas, ...rest } = policy;
  const declared = furtherRegions(policy).find((r) => r.region === region);
  return {
    ...rest,
    usagePlanIds: declared?.usagePlanIds ?? [],
    ...(declared?.planQuotas === undefined ? {} : { planQuotas: declared.planQuotas }),
  };
}

/** Every further region any consumer of the service declares, by name. */
export function serviceRegions(env: Pick<RotationEnv, 'consumers'>): string[] {
  const regions = new Set<string>();
  for (const policy of env.consumers.values()) {
    for (const { region } of furtherRegions(policy)) regions.add(region);
  }
  return [...regions].sort();
}

/** True when the consumer declares `region` as a further region. */
export function declaresRegion(policy: ConsumerPolicy, region: string): boolean {
  return furtherRegions(policy).some((r) => r.region === region);
}

/** The key a version names in a further region, when it names one. */
export function regionalKeyOf(
  value: IssuedKeyValue,
  region: string
): NonNullable<IssuedKeyValue['regions']>[number] | undefined {
  return value.regions?.find((r) => r.region === region);
}
