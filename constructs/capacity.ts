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
 * The budget errors of every region `service` has keys or plans in, summed over every stack of
 * the app (the shards of an environment, other environments, and the further regions of
 * multi-region keys): a consumer holds its worst case of keys in its service's region and again
 * in each further region of its plans; a plan counts in its own region. Each region is reported
 * by the first service (in the order made) with keys or plans there, so each is reported once.
 * The quotas of a region are those its own services state, else API Gateway's defaults.
 * Warnings near a quota become annotations.
 */
export function capacityProblems(service: Construct): string[] {
  const services = wiredServices(service);
  const problems: string[] = [];
  for (const [region, load] of regionalLoads(services)) {
    if (load.reporter !== service) continue;
    const where = region.startsWith('stack:') ? `stack ${region.slice(6)}` : `region ${region}`;
    const home = services.filter((peer) => regionOf(peer) === region);
    const quota = (name: 'apiKeysPerRegion' | 'usagePlansPerRegion', fallback: number) =>
      home.length === 0 ? fallback : Math.max(...home.map((peer) => wiringOf(peer).quotas[name]));
    const keyQuota = quota('apiKeysPerRegion', API_KEYS_PER_REGION);
    const planQuota = quota('usagePlansPerRegion', USAGE_PLANS_PER_REGION);
    problems.push(
      ...[
        budget(service, where, load.keys, keyQuota, KEYS, API_KEYS_PER_REGION),
        budget(service, where, load.plans, planQuota, PLANS, USAGE_PLANS_PER_REGION),
      ].filter((problem): problem is string => problem !== undefined)
    );
  }
  return problems;
}

/** What the services of an app may hold in one region, and which service reports it. */
interface RegionalLoad {
  keys: number;
  plans: number;
  reporter: IConstruct;
}

/** Keys and plans per region, in the order the services were made. */
function regionalLoads(services: readonly IConstruct[]): Map<string, RegionalLoad> {
  const loads = new Map<string, RegionalLoad>();
  const add = (region: string, by: IConstruct, keys: number, plans: number) => {
    const load = loads.get(region) ?? { keys: 0, plans: 0, reporter: by };
    load.keys += keys;
    load.plans += plans;
    loads.set(region, load);
  };
  const stacksCounted = new Set<TerraformStack>();
  for (const service of services) {
    const home = regionOf(service);
    for (const [region, keys] of keysOf(service, home)) add(region, service, keys, 0);
    const stack = TerraformStack.of(service);
    if (stacksCounted.has(stack)) continue;
    stacksCounted.add(stack);
    for (const plan of stack.node.findAll().filter((c) => c instanceof UsagePlan)) {
      add((plan as UsagePlan).region ?? regionOf(plan), service, 0, 1);
    }
  }
  return loads;
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

/**
 * The keys a service may hold in each region: its consumers' worst cases, in its own region
 * (`home`) and in each further region of their plans, and in each at most its key budget.
 */
function keysOf(service: IConstruct, home: string): Map<string, number> {
  const wiring = wiringOf(service);
  const keys = new Map<string, number>([[home, 0]]);
  for (const consumer of wiring.consumers.values()) {
    const worst = worstCaseKeys(consumer, wiring.retentionSeconds, wiring.sweepPeriodSeconds);
    const regions = new Set([home, ...consumer.plans.flatMap((plan) => plan.region ?? [])]);
    for (const region of regions) keys.set(region, (keys.get(region) ?? 0) + worst);
  }
  for (const [region, count] of keys) keys.set(region, Math.min(count, wiring.keyBudget ?? count));
  return keys;
}

/** The region of a construct's stack: its AWS provider's, or the stack when unknown. */
function regionOf(construct: IConstruct): string {
  return providerRegion(construct) ?? `stack:${TerraformStack.of(construct).node.path}`;
}
