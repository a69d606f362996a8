/**
 * setSecret: make the pending key usable — enabled and a member of every usage plan the
 * secret declares. Idempotent: "already a member" is success, an enabled key is left alone.
 */
import { UsagePlanNotFound } from '../api-key-store';
import { noKeyForVersion, planNotFound } from '../errors';
import { createLogger } from '../log';
import { findPendingKey } from './pending-key';
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
  // Concurrent createSecret runs can both write a key; the version names one, the rest go.
  const key = await findPendingKey(ctx, STEP, { includeValues: false, deleteDuplicates: true });
  if (!key.enabled) {
    if (!(await keys.setEnabled(key.id, true))) {
      throw noKeyForVersion(ctx.secret.arn, STEP, ctx.token);
    }
    log.warn('enabled the pending key, which was disabled', fields(ctx, key.id));
  }
  const plansAdded: string[] = [];
  for (const planId of ctx.policy.usagePlanIds) {
    try {
      if ((await keys.addToPlan(planId, key.id)) === 'added') plansAdded.push(planId);
    } catch (error) {
      if (error instanceof UsagePlanNotFound) throw planNotFound(ctx.secret.arn, STEP, planId);
      throw error;
    }
  }
  log.info('the pending key is enabled and in every declared plan', {
    ...fields(ctx, key.id),
    plans: ctx.policy.usagePlanIds.length,
    plansAdded: plansAdded.length,
  });
  return { keyId: key.id, plansAdded };
}

function fields(ctx: StepContext, keyId: string): Record<string, unknown> {
  return { step: STEP, secretArn: ctx.secret.arn, versionId: ctx.token, keyId };
}
