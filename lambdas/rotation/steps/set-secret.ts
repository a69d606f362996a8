/**
 * setSecret: make the pending key usable — a member of every usage plan the consumer declares.
 * One API Gateway call per plan and nothing else: the key is the one the version names (its
 * record proof checked first), and CreateApiKey made it enabled. Idempotent: "already a member"
 * is success. In each further region (key-regions.ts) the same for the key the version names
 * there; a region that fails stops the step, naming the region, before finishSecret.
 */
import { UsagePlanConflict, UsagePlanNotFound } from '../api-key-store';
import type { ApiKeyStore } from '../api-key-store';
import { planConflict, planNotFound } from '../errors';
import { createLogger } from '../log';
import { regionFailed } from '../regional-errors';
import { pendingRegionalKeys, readPendingKey } from './pending-version';
import type { StepContext } from './step-context';

const log = createLogger('setSecret');
const STEP = 'setSecret';

export interface SetSecretResult {
  readonly keyId: string;
  /** Plans the key was added to by this run (the others already had it). */
  readonly plansAdded: readonly string[];
}

export async function setSecret(ctx: StepContext): Promise<SetSecretResult> {
  const pending = await readPendingKey(ctx, STEP);
  const { keyId } = pending;
  const plansAdded = await joinPlans(ctx, ctx.runtime.keys, keyId, ctx.policy.usagePlanIds);
  for (const regional of await pendingRegionalKeys(ctx, pending, STEP)) {
    const { keys } = ctx.runtime.regions.in(regional.region);
    try {
      await joinPlans(ctx, keys, regional.keyId, regional.usagePlanIds);
    } catch (error) {
      throw regionFailed(ctx.secret.arn, STEP, regional.region, error);
    }
  }
  log.info('the pending key is in every declared plan', {
    step: STEP,
    secretArn: ctx.secret.arn,
    versionId: ctx.token,
    keyId,
    plans: ctx.policy.usagePlanIds.length,
    plansAdded: plansAdded.length,
  });
  return { keyId, plansAdded };
}

/** Adds the key to each plan; returns the plans it was not yet a member of. */
async function joinPlans(
  ctx: StepContext,
  keys: ApiKeyStore,
  keyId: string,
  planIds: readonly string[]
): Promise<string[]> {
  const plansAdded: string[] = [];
  for (const planId of planIds) {
    try {
      if ((await keys.addToPlan(planId, keyId)) === 'added') plansAdded.push(planId);
    } catch (error) {
      if (error instanceof UsagePlanNotFound) throw planNotFound(ctx.secret.arn, STEP, planId);
      if (error instanceof UsagePlanConflict) throw planConflict(ctx.secret.arn, STEP, error);
      throw error;
    }
  }
  return plansAdded;
}
