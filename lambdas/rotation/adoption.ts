/**
 * Adoption: a consumer's first rotation takes over an existing API key the deployer named,
 * instead of making a new one, so the consumer keeps the key it already uses.
 *
 * Only the function's deployed configuration names a key to adopt (env.adoptions, by secret
 * name; contract/adoptions.ts), never a tag, and only while the secret's AWSCURRENT is still
 * the placeholder. The function then reads the key's value once (GetApiKey includeValue),
 * writes keyplane's origin tags and ownership proof on it, names it as its own keys are named,
 * and writes it into the pending version. From there the rotation goes on as for a new key:
 * setSecret adds it to the declared plans, testSecret and finishSecret check and promote it,
 * the sweep reconciles it, and the next scheduled rotation replaces it.
 *
 * Safe after a crash at any point: every write is repeatable, and a version that already names
 * the adopted key is left alone.
 */
import { BOOTSTRAP_STAGE, KeyTag, SECRET_FORMAT, type ConsumerPolicy } from '../../contract';
import type { RotationEnv } from './env';
import {
  adoptedKeyDisabled,
  adoptedKeyNotFound,
  adoptedKeyTaken,
  adoptedKeyValueUnfit,
  unexpectedVersionValue,
  versionHoldsUnknownKey,
} from './errors';
import { createLogger } from './log';
import { instantTag, keyName, originTags, type ManagedKey } from './managed-key';
import { Stage, versionStagedAs, type SecretState } from './secret-store';
import { describeContent } from './secret-value';
import { originOf, type StepContext } from './steps/step-context';

const log = createLogger('adoption');
const STEP = 'createSecret';

/** Key values keyplane's secret format accepts (contract/secret-value.ts). */
const ADOPTABLE_VALUE = /^[A-Za-z0-9]{20,128}$/;

/** The policy with the key the deployed configuration names for this secret, if any. */
export function withDeployedAdoption(
  policy: ConsumerPolicy,
  env: RotationEnv,
  secret: SecretState
): ConsumerPolicy {
  const adoptKeyId = env.adoptions?.get(secret.name);
  return adoptKeyId === undefined ? policy : { ...policy, adoptKeyId };
}

/** True when this rotation is the consumer's first and the deployer named a key to adopt. */
export function adoptsKey(ctx: StepContext): ctx is StepContext & {
  readonly policy: ConsumerPolicy & { readonly adoptKeyId: string };
} {
  if (ctx.policy.adoptKeyId === undefined) return false;
  const current = versionStagedAs(ctx.secret, Stage.CURRENT);
  return current !== undefined && ctx.secret.versions.get(current)!.includes(BOOTSTRAP_STAGE);
}

/** createSecret for an adopting first rotation: the pending version holds the named key. */
export async function adoptKey(
  ctx: StepContext,
  keyId: string
): Promise<{ readonly keyId: string; readonly outcome: 'adopted' | 'already-done' }> {
  const { keys, secrets } = ctx.runtime;
  const pending = await secrets.read(ctx.secret.arn, ctx.token, Stage.PENDING);
  if (pending.kind === 'issued') {
    if (pending.value.keyId !== keyId) {
      throw versionHoldsUnknownKey(ctx.secret.arn, STEP, ctx.token, pending.value.keyId);
    }
    log.info('the version already holds the adopted key; nothing to do', fields(ctx, keyId));
    return { keyId, outcome: 'already-done' };
  }
  if (pending.kind !== 'empty') {
    throw unexpectedVersionValue(ctx.secret.arn, STEP, ctx.token, describeContent(pending));
  }
  const key = await keys.getWithValue(keyId);
  if (key === undefined) throw adoptedKeyNotFound(ctx.secret.arn, keyId);
  if (!key.enabled) throw adoptedKeyDisabled(ctx.secret.arn, keyId);
  const owner = otherOwner(ctx, key);
  if (owner !== undefined) throw adoptedKeyTaken(ctx.secret.arn, keyId, owner);
  if (key.value === undefined || !ADOPTABLE_VALUE.test(key.value)) {
    throw adoptedKeyValueUnfit(ctx.secret.arn, keyId);
  }

  const origin = originOf(ctx);
  const proof = await ctx.runtime.ownership.prove({ ...origin, keyId });
  // The origin tags, the proof and the adoption time in one call: from here on the key is provably keyplane's.
  await keys.tag(keyId, {
    ...originTags(origin),
    [KeyTag.PROOF]: proof,
    [KeyTag.ADOPTED_AT]: instantTag(ctx.runtime.now()),
  });
  await keys.describeAs(
    keyId,
    keyName(ctx.policy.consumer, ctx.token),
    `keyplane ${ctx.runtime.env.service}: ${ctx.policy.consumer}, adopted by version ${ctx.token}`
  );
  const written = await secrets.putPending(ctx.secret.arn, ctx.token, {
    format: SECRET_FORMAT,
    keyId,
    value: key.value,
    consumer: ctx.policy.consumer,
    usagePlanIds: ctx.policy.usagePlanIds,
    // The key's own creation time, so a re-run writes byte-identical JSON.
    createdAt: (key.createdDate ?? ctx.runtime.now()).toISOString(),
    proof,
  });
  if (written === 'exists') {
    // A concurrent run wrote the version first; it can only have written this same key.
    const held = await secrets.read(ctx.secret.arn, ctx.token, Stage.PENDING);
    if (held.kind !== 'issued') {
      throw unexpectedVersionValue(ctx.secret.arn, STEP, ctx.token, describeContent(held));
    }
    if (held.value.keyId !== keyId) {
      throw versionHoldsUnknownKey(ctx.secret.arn, STEP, ctx.token, held.value.keyId);
    }
  }
  log.info('adopted the existing key named by the deployed configuration', fields(ctx, keyId));
  return { keyId, outcome: 'adopted' };
}

/** Whose keyplane key this is, when it is another secret's or another service's. */
function otherOwner(ctx: StepContext, key: ManagedKey): string | undefined {
  if (key.service !== undefined && key.service !== ctx.runtime.env.service) {
    return `service ${key.service}`;
  }
  if (key.secretArn !== undefined && key.secretArn !== ctx.secret.arn) {
    return `secret ${key.secretArn}`;
  }
  return undefined;
}

function fields(ctx: StepContext, keyId: string): Record<string, unknown> {
  return { step: STEP, secretArn: ctx.secret.arn, versionId: ctx.token, keyId };
}
