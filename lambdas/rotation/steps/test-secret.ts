/**
 * testSecret: prove the pending key works before it becomes current. When the consumer names a
 * health-check URL, a call with the key must get an answer other than 403: the one test that
 * the key is enabled, in a plan and accepted by the API. The key and value are the ones the
 * version names, its record proof checked first. Without a URL there is nothing left to test
 * without spending API Gateway calls: CreateApiKey made the key enabled and setSecret's
 * CreateUsagePlanKey calls answered for each plan; a key disabled or removed out of band later
 * is put right by the sweep (sweep-decision.ts). Read-only, so repeating it is harmless.
 * A consumer with further regions (key-regions.ts): the version must name a proven key in each
 * declared region, else the rotation stops here; the health check calls the one URL declared.
 */
import { healthCheckFailed } from '../errors';
import { checkHealth, describeTarget } from '../health-check';
import { furtherRegions } from '../key-regions';
import { createLogger } from '../log';
import { pendingRegionalKeys, readPendingKey } from './pending-version';
import type { StepContext } from './step-context';

const log = createLogger('testSecret');
const STEP = 'testSecret';

export interface TestSecretResult {
  /** The pending key, when it was read for a health check. */
  readonly keyId?: string;
  /** HTTP status of the health check, when one ran. */
  readonly healthCheckStatus?: number;
}

export async function testSecret(ctx: StepContext): Promise<TestSecretResult> {
  const url = ctx.policy.healthCheckUrl;
  const fields = { step: STEP, secretArn: ctx.secret.arn, versionId: ctx.token };
  if (furtherRegions(ctx.policy).length > 0) {
    const regional = await pendingRegionalKeys(ctx, await readPendingKey(ctx, STEP), STEP);
    log.info('the pending key is named in every declared region', {
      ...fields,
      regions: regional.map((r) => `${r.region}:${r.keyId}`),
    });
  }
  if (url === undefined) {
    log.info(
      'no health check declared; the pending key was made enabled and put in its plans',
      fields
    );
    return {};
  }
  const key = await readPendingKey(ctx, STEP);
  const outcome = await checkHealth(ctx.runtime.httpGet, url, key.value);
  if (!outcome.ok) {
    throw healthCheckFailed(ctx.secret.arn, STEP, describeTarget(url), outcome.detail);
  }
  log.info('the pending key passed its health check', {
    ...fields,
    keyId: key.keyId,
    healthCheckStatus: outcome.status,
  });
  return { keyId: key.keyId, healthCheckStatus: outcome.status };
}
