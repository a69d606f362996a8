/**
 * The capacity budget: API Gateway counts every API key and usage plan of an account per
 * region, so the stacks of one region must fit its quotas together. A key outlives its
 * rotation by the grace period (enabled), then the retention (disabled, not yet deleted), then
 * up to one sweep period; with the shortest gap its schedule allows, a consumer holds at most
 * `1 + ceil((grace + retention + sweep period) / gap)` keys at once. Over a quota is an error;
 * over {@link QUOTA_WARNING_SHARE} of it a warning. The quotas are API Gateway's defaults unless
 * a service of the region states the account's raised ones (RotationServiceProps.accountQuotas).
 */
import { Annotations, TerraformStack } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import {
  API_KEYS_PER_REGION,
  QUOTA_WARNING_SHARE,
  USAGE_PLANS_PER_REGION,
} from '../contract/aws-limits';
import { keysPerConsumer } from '../contract/blast-radius';
import { providerRegion } from './provider-region';
import { wiredServices, wiringOf, type ConsumerRecord } from './service-wiring';
import { UsagePlan } from './usage-plan';

/**
 * Keys one consumer may hold at once, in the worst case of its schedule, and never more than
 * its live- and retained-key caps allow (contract/blast-radius.ts keysPerConsumer).
 */
export function worstCaseKeys(
  consumer: ConsumerRecord,
  retentionSeconds: number,
  sweepPeriodSeconds: number
): number {
  const kept = consumer.gracePeriodSeconds + retentionSeconds + sweepPeriodSeconds;
  const bySchedule = 1 + Math.ceil(kept / consumer.shortestGapSeconds);
  return Math.min(bySchedule, keysPerConsumer(consumer.blastRadius));
}

/** The warnings already given, per service: validation may run more than once. */
const warned = new WeakMap<IConstruct, Set<Resource>>();

/**
 * The budget errors of the region `service` is in, summed over every stack of the app in that
 * region (the shards of an environment, other environments); reported by the region's first
 * service (in the order made) only, so each is reported once. Warnings near a quota become annotations.
 */
export function capacityProblems(service: Construct): string[] {
  const region = regionOf(service);
  const peers = wiredServices(service).filter((c) => regionOf(c) === region);
  if (peers[0] !== service) return [];
  const keys = peers.reduce((sum, peer) => sum + keysOf(peer), 0);
  const plans = peers.reduce(
    (sum, peer) =>
      sum +
      TerraformStack.of(peer)
        .node.findAll()
        .filter((c) => c instanceof UsagePlan).length,
    0
  );
  const where = region.startsWith('stack:') ? `stack ${region.slice(6)}` : `region ${region}`;
  const quota = (name: 'apiKeysPerRegion' | 'usagePlansPerRegion') =>
    Math.max(...peers.map((peer) => wiringOf(peer).quotas[name]));
  return [
    budget(service, where, keys, quota('apiKeysPerRegion'), KEYS, API_KEYS_PER_REGION),
    budget(service, where, plans, quota('usagePlansPerRegion'), PLANS, USAGE_PLANS_PER_REGION),
  ].filter((problem): problem is string => problem !== undefined);
}

interface Resource {
  readonly what: string;
  readonly fix: string;
}

const KEYS: Resource = {
  what: 'API keys at once (current, grace-period and retired keys all count)',
  fix: 'lengthen schedules, shorten gracePeriod or deleteRetiredAfter, or move consumers to another region',
};
const PLANS: Resource = {
  what: 'usage plans',
  fix: 'share plans between consumers instead of dedicatedPlan, or move plans to another region',
};

function budget(
  service: Construct,
  where: string,
  count: number,
  quota: number,
  resource: Resource,
  defaultQuota: number
): string | undefined {
  const stated =
    quota === defaultQuota
      ? `API Gateway's default quota of ${quota} per region`
      : `the account's quota of ${quota} per region (accountQuotas)`;
  const message = `${where} may hold up to ${count} ${resource.what}, against ${stated}`;
  if (count > quota) {
    const raise =
      quota === defaultQuota
        ? "; if the account has a raised quota, state it in the rotation service's accountQuotas"
        : '';
    return `${message}; ${resource.fix}${raise}`;
  }
  const seen = warned.get(service) ?? new Set<Resource>();
  if (count > quota * QUOTA_WARNING_SHARE && !seen.has(resource)) {
    warned.set(service, seen.add(resource));
    Annotations.of(service).addWarning(
      `${message}, over ${QUOTA_WARNING_SHARE * 100}% of it; ${resource.fix}`
    );
  }
  return undefined;
}

/** The keys a service may hold: its consumers' worst cases, and at most its key budget. */
function keysOf(service: IConstruct): number {
  const wiring = wiringOf(service);
  let keys = 0;
  for (const consumer of wiring.consumers.values()) {
    keys += worstCaseKeys(consumer, wiring.retentionSeconds, wiring.sweepPeriodSeconds);
  }
  return Math.min(keys, wiring.keyBudget ?? keys);
}

/** The region of a construct's stack: its AWS provider's, or the stack when unknown. */
function regionOf(construct: IConstruct): string {
  return providerRegion(construct) ?? `stack:${TerraformStack.of(construct).node.path}`;
}
