/**
 * The service's key budget: how many keys, enabled and retained, it may hold in the region
 * (contract/blast-radius.ts). The deployer states it (KEYPLANE_KEY_BUDGET) or it is derived from
 * the policy document: the sum over the consumers of live plus retained keys. Synth checks it
 * against the region's capacity (constructs/capacity.ts).
 *
 * The function refuses to issue a key beyond it where it lists the keys anyway or where keys
 * can pile up: revoke, the sweep's heal, and a rotation that starts within a grace period of
 * the last one (admission.ts). A scheduled rotation, long after the last, issues one key and
 * retires one, and makes no list call. The sweep reports the keys held (metric KeysHeld and
 * KeysOverBudget, alarm key-budget).
 *
 * Only keys whose creation proof holds are counted, so keys a co-tenant plants with the
 * service's tags cannot use up the budget; proofs are checked only when the tagged keys alone
 * would reach it.
 */
import { derivedKeyBudget } from '../../contract';
import type { RotationEnv } from './env';
import { keyBudgetExhausted, type Operation } from './errors';
import { blastRadiusOf } from './live-key-cap';
import type { ManagedKey } from './managed-key';
import type { Runtime } from './runtime';

/** The budget in force: the deployer's, or the one the document's consumers add up to. */
export function keyBudgetOf(env: RotationEnv): number {
  return env.keyBudget ?? derivedKeyBudget([...env.consumers.values()].map(blastRadiusOf));
}

/** The service's keys among `listed`, by their tags (not yet proven). */
export function serviceKeys(env: RotationEnv, listed: readonly ManagedKey[]): ManagedKey[] {
  return listed.filter((key) => key.service === env.service && key.secretArn !== undefined);
}

/**
 * How many of the service's keys prove to be its own, counted up to `budget`: past it the
 * answer is `budget` or more, which is all a refusal needs.
 */
export async function provenKeysUpTo(
  runtime: Runtime,
  keys: readonly ManagedKey[],
  budget: number
): Promise<number> {
  if (keys.length < budget) return keys.length;
  let proven = 0;
  for (const key of keys) {
    if (await runtime.ownership.ownsKey(key, 'count against the key budget')) proven++;
    if (proven >= budget) return proven;
  }
  return proven;
}

/**
 * The keys the service holds, for the sweep's KeysHeld: while its tagged keys are within the
 * budget, their count (none can be over it, and no proof is checked); beyond it, only those
 * whose creation proof holds, so keys a co-tenant plants with the service's tags cannot raise
 * the key-budget alarm.
 */
export async function keysHeld(
  runtime: Runtime,
  keys: readonly ManagedKey[],
  budget: number
): Promise<number> {
  return keys.length <= budget ? keys.length : provenKeysUpTo(runtime, keys, keys.length);
}

/** Throws a KeyBudgetError when the service already holds its whole budget. */
export async function refuseBeyondKeyBudget(
  runtime: Runtime,
  secretId: string,
  operation: Operation,
  listed: readonly ManagedKey[]
): Promise<void> {
  const budget = keyBudgetOf(runtime.env);
  const held = await provenKeysUpTo(runtime, serviceKeys(runtime.env, listed), budget);
  if (held >= budget) {
    throw keyBudgetExhausted(secretId, operation, runtime.env.service, held, budget);
  }
}
