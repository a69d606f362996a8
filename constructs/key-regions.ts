/**
 * A consumer's further regions (README, "Multi-region keys"): the regions of its usage plans
 * other than the stack's. The rotation function makes the key with the same value in each, and
 * the consumer's secret is replicated to each, so readers there read it locally: a key region
 * missing from `replicaRegions` is added, not refused, since a key whose secret cannot be read
 * in its region is never what the deployer meant.
 */
import { Lazy } from 'cdktf';
import { LambdaEnv } from '../contract/events';
import { invalidValue } from './errors';
import type { ServiceWiring } from './service-wiring';
import type { UsagePlan } from './usage-plan';

/** The further regions of `plans`, in name order. */
export function keyRegions(plans: readonly UsagePlan[]): string[] {
  return [
    ...new Set(plans.flatMap((plan) => (plan.region === undefined ? [] : [plan.region]))),
  ].sort();
}

/** The secret's replica regions: those declared, then the key regions not among them. */
export function replicaRegionsWithKeys(
  declared: readonly string[],
  plans: readonly UsagePlan[]
): string[] {
  return [...declared, ...keyRegions(plans).filter((region) => !declared.includes(region))];
}

/** Refuses what a key with further regions cannot do: adopt an existing key. */
export function validateKeyRegions(
  path: string,
  plans: readonly UsagePlan[],
  adoptKeyId: string | undefined
): void {
  const regions = keyRegions(plans);
  if (adoptKeyId !== undefined && regions.length > 0) {
    throw invalidValue(
      path,
      'adoptKeyId',
      adoptKeyId,
      `not be set for a consumer with usage plans in further regions (${regions.join(', ')}): an adopted key exists in the stack's region only; adopt it with the stack's plans first, then add the other regions' plans`
    );
  }
}

const announced = new WeakSet<object>();

/**
 * Writes the further regions of the service's keys into its function's environment
 * (LambdaEnv.KEY_REGIONS), where `keyplane status` reads them; once per service, its value
 * resolved at synth when every consumer is declared.
 */
export function announceKeyRegions(wiring: ServiceWiring): void {
  const fn = wiring.adoption.function;
  if (announced.has(fn)) return;
  announced.add(fn);
  fn.addOverride(
    `environment.variables.${LambdaEnv.KEY_REGIONS}`,
    Lazy.stringValue({
      produce: () => keyRegions([...wiring.consumers.values()].flatMap((c) => c.plans)).join(' '),
    })
  );
}
