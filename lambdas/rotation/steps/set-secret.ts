/**
 * setSecret: make the pending key usable — a member of every usage plan the consumer declares.
 * One API Gateway call per plan and nothing else: the key is the one the version names (its
 * record proof checked first), and CreateApiKey made it enabled. Idempotent: "already a member"
 * is success.
 */
import { UsagePlanNotFound } from '../api-key-store';
import { planNotFound } from '../errors';
import { createLogger } from '../log';
import { readPendingKey } from './pending-version';
import type { StepContext } from './step-context';

const log = createLogger('setSecret');
const STEP = 'setSecret';

export interface SetSecretResult {
  readonly keyId: string;
  /** Plans the key was added to by this run (the others already had it). */
  readonly plansAdded: readonly string[];
}

export async function setSecret(ctx: StepContext): Promise<SetSecretResult> {
  const { keys } = ctx.runtime;
  const { keyId } = await readPendingKey(ctx, STEP);
  const plansAdded: string[] = [];
  for (const planId of ctx.policy.usagePlanIds) {
    try {
      if ((await keys.addToPlan(planId, keyId)) === 'added') plansAdded.push(planId);
    } catch (error) {
      if (error instanceof UsagePlanNotFound) throw planNotFound(ctx.secret.arn, STEP, planId);
      throw error;
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
