/**
 * A rotation run inside this function rather than by Secrets Manager: a fresh token, then the
 * same four step functions in order. Used by revoke and by the sweep when a consumer's current
 * key has gone missing. createSecret's PutSecretValue creates the version, staged AWSPENDING.
 */
import { randomUUID } from 'crypto';
import type { ConsumerPolicy } from './consumer-policy';
import { furtherRegions } from './key-regions';
import type { Runtime } from './runtime';
import type { SecretState } from './secret-store';
import { createSecret } from './steps/create-secret';
import { finishSecret } from './steps/finish-secret';
import { setSecret } from './steps/set-secret';
import type { StepContext } from './steps/step-context';
import { testSecret } from './steps/test-secret';

export interface InProcessRotation {
  /** The new AWSCURRENT version. */
  readonly versionId: string;
  readonly keyId: string;
  readonly outgoingKeyId?: string;
}

/**
 * Mutating calls of an in-process rotation, for budgeting: key, value, plans, tag, stage; and in
 * each further region its key, plans and tag.
 */
export function inProcessRotationCost(policy: ConsumerPolicy): number {
  return (
    policy.usagePlanIds.length +
    4 +
    furtherRegions(policy).reduce((calls, region) => calls + region.usagePlanIds.length + 2, 0)
  );
}

export async function rotateNow(
  runtime: Runtime,
  secret: SecretState,
  policy: ConsumerPolicy,
  gracePeriodSeconds: number,
  token: string = randomUUID()
): Promise<InProcessRotation> {
  const ctx: StepContext = { runtime, secret, policy, token };
  const { keyId } = await createSecret(ctx);
  await setSecret(ctx);
  await testSecret(ctx);
  const { outgoingKeyId } = await finishSecret(ctx, { gracePeriodSeconds });
  return outgoingKeyId === undefined
    ? { versionId: token, keyId }
    : { versionId: token, keyId, outgoingKeyId };
}
