/**
 * testSecret: prove the pending key works before it becomes current — it exists, is enabled
 * and is in every declared usage plan; and, when the secret names a health-check URL, a call
 * with the key gets an answer other than 403. Read-only, so repeating it is harmless.
 */
import { healthCheckFailed, keyDisabled, keyMissingFromPlans } from '../errors';
import { checkHealth, describeTarget } from '../health-check';
import { createLogger } from '../log';
import { findPendingKey } from './pending-key';
import type { StepContext } from './step-context';

const log = createLogger('testSecret');
const STEP = 'testSecret';

export interface TestSecretResult {
  readonly keyId: string;
  /** HTTP status of the health check, when one ran. */
  readonly healthCheckStatus?: number;
}

export async function testSecret(ctx: StepContext): Promise<TestSecretResult> {
  const { keys } = ctx.runtime;
  const url = ctx.policy.healthCheckUrl;
  const key = await findPendingKey(ctx, STEP, { includeValues: url !== undefined });
  if (!key.enabled) throw keyDisabled(ctx.secret.arn, STEP, key.id);

  if (ctx.policy.usagePlanIds.length > 0) {
    const memberOf = new Set(await keys.plansOf(key.id));
    const missing = ctx.policy.usagePlanIds.filter((planId) => !memberOf.has(planId));
    if (missing.length > 0) throw keyMissingFromPlans(ctx.secret.arn, STEP, key.id, missing);
  }

  let healthCheckStatus: number | undefined;
  if (url !== undefined) {
    const outcome = await checkHealth(ctx.runtime.httpGet, url, key.value ?? '');
    if (!outcome.ok) {
      throw healthCheckFailed(ctx.secret.arn, STEP, describeTarget(url), outcome.detail);
    }
    healthCheckStatus = outcome.status;
  }
  log.info('the pending key is enabled and in every declared plan', {
    step: STEP,
    secretArn: ctx.secret.arn,
    versionId: ctx.token,
    keyId: key.id,
    ...(healthCheckStatus === undefined ? {} : { healthCheckStatus }),
  });
  return healthCheckStatus === undefined ? { keyId: key.id } : { keyId: key.id, healthCheckStatus };
}
